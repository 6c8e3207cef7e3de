"""Every server message survives the trip through JSON and msgpack (what Redis does),
and no frame is larger than the transport accepts."""

import uuid

import msgpack
import orjson
import pytest

from realtime import protocol, publisher
from realtime.events import Audience
from tests.factories import breakout, make_participant, make_workshop, post_card
from workshops.models import BoardEvent

SERVER_MESSAGES = [
    protocol.event(breakout=1, seq=2, name="card.created", data={"card": {"id": 1}}, op_id=None),
    protocol.event(breakout=1, seq=3, name="skip", data=None, op_id=None),
    protocol.snapshot(breakout=1, epoch=7, seq=2, html="<ol id='x'></ol>"),
    protocol.ready(view="board"),
    protocol.head(seq=9, now="2030-01-01T14:00:00+00:00"),
    protocol.presence(breakout=1, count=3, html="<p id='presence'>3</p>"),
    protocol.message(html="<li>Back in 5 minutes</li>"),
    protocol.go(),
    protocol.help_state(open=False),
    protocol.control(fragments=["<tr id='breakout-row-1'></tr>", "<section id='toolbar'>"]),
    protocol.ack(op_id=uuid.uuid4(), seq=3),
    protocol.error(code="invalid", message="No.", op_id=uuid.uuid4(), retryable=True),
    protocol.my_votes(mine={"card:1": 2}),
    protocol.part(id="abc", index=0, count=2, text='{"type":'),
]


@pytest.mark.parametrize("message", SERVER_MESSAGES, ids=lambda m: m["type"])
def test_server_messages_round_trip(message):
    assert orjson.loads(protocol.encode(message)) == message
    assert msgpack.unpackb(msgpack.packb(message)) == message


@pytest.mark.parametrize(
    "text",
    ["a" * 200_000, '"\\' * 70_000, "🌳" * 60_000, '<p class="x">é</p>\n' * 9_000],
    ids=["ascii", "quotes-and-backslashes", "4-byte", "html"],
)
def test_a_large_message_is_split_into_frames_the_transport_accepts(text):
    message = protocol.snapshot(breakout=1, epoch=1, seq=1, html=text)
    frames = protocol.frames(message)
    assert len(frames) > 1
    assert all(len(frame.encode()) <= protocol.MAX_FRAME_BYTES for frame in frames)
    parts = [orjson.loads(frame) for frame in frames]
    assert [p["index"] for p in parts] == list(range(len(parts)))
    assert {p["count"] for p in parts} == {len(parts)}
    assert len({p["id"] for p in parts}) == 1
    assert orjson.loads("".join(p["text"] for p in parts)) == message


def test_a_small_message_is_one_frame():
    message = protocol.head(seq=1, now="now")
    assert protocol.frames(message) == [protocol.encode(message)]


@pytest.mark.django_db
def test_a_broadcast_of_a_real_event_round_trips():
    workshop = make_workshop()
    room = breakout(workshop)
    post_card(make_participant(workshop, room), room, "Tree pits")
    event = BoardEvent.objects.get()
    message = publisher.board_event_message(event)
    assert orjson.loads(orjson.dumps(message)) == message
    assert msgpack.unpackb(msgpack.packb(message)) == message
    # Members see what the team sees of a new card: the frames are there once.
    assert message["frames"][Audience.TEAM] == Audience.MEMBERS
    (frame,) = message["frames"][Audience.MEMBERS]
    assert orjson.loads(frame)["data"] == event.payload


@pytest.mark.django_db
def test_a_hidden_card_is_projected_apart_for_members():
    workshop = make_workshop()
    room = breakout(workshop)
    post_card(make_participant(workshop, room), room, "Off topic")
    card = room.cards.get()
    card.hidden_at = card.created_at
    card.save()
    message = publisher.board_event_message(BoardEvent.objects.get())
    (members,) = message["frames"][Audience.MEMBERS]
    (team,) = message["frames"][Audience.TEAM]
    assert (orjson.loads(members)["name"], orjson.loads(team)["name"]) == ("skip", "card.created")
    assert "Off topic" not in members


def test_client_messages_refuse_unknown_fields():
    with pytest.raises(protocol.InvalidMessage) as error:
        protocol.parse('{"type": "resume", "since": 1, "epoch": 2, "extra": true}')
    assert error.value.field == "resume.extra"
