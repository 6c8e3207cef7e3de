"""Every server message survives the trip through JSON and msgpack (what Redis does)."""

import uuid

import msgpack
import orjson
import pytest

from realtime import protocol
from realtime.events import in_every_language, render_event
from tests.factories import breakout, make_participant, make_workshop, post_card
from workshops.models import BoardEvent

SERVER_MESSAGES = [
    protocol.event(
        breakout=1, seq=2, name="card.created", data={"card": {"id": 1}}, html="<li>", op_id=None
    ),
    protocol.snapshot(breakout=1, epoch=7, seq=2, html="<ol id='x'></ol>"),
    protocol.head(seq=9, now="2030-01-01T14:00:00+00:00"),
    protocol.presence(breakout=1, count=3, html="<p id='presence'>3</p>"),
    protocol.message(html="<li>Back in 5 minutes</li>"),
    protocol.go(),
    protocol.help_state(open=False),
    protocol.control(breakout=None),
    protocol.ack(op_id=uuid.uuid4(), seq=3),
    protocol.error(code="invalid", message="No.", op_id=uuid.uuid4(), retryable=True),
]


@pytest.mark.parametrize("message", SERVER_MESSAGES, ids=lambda m: m["type"])
def test_server_messages_round_trip(message):
    assert orjson.loads(protocol.encode(message)) == message
    assert msgpack.unpackb(msgpack.packb(message)) == message


@pytest.mark.django_db
def test_a_broadcast_of_a_real_event_round_trips():
    workshop = make_workshop()
    room = breakout(workshop)
    post_card(make_participant(workshop, room), room, "Tree pits")
    event = BoardEvent.objects.get()
    texts = in_every_language(lambda code: render_event(event, code))
    layer_message = {
        "type": "board.event",
        "breakout": room.pk,
        "seq": 1,
        "texts": texts,
    }
    assert msgpack.unpackb(msgpack.packb(layer_message)) == layer_message
    assert set(layer_message["texts"]) == {"en", "fr", "es"}
    decoded = orjson.loads(layer_message["texts"]["en"])
    assert decoded["data"] == event.payload


def test_client_messages_refuse_unknown_fields():
    with pytest.raises(protocol.InvalidMessage) as error:
        protocol.parse('{"type": "resume", "since": 1, "epoch": 2, "extra": true}')
    assert error.value.field == "resume.extra"
