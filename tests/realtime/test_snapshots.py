"""A board's snapshot is rendered once for everyone of one audience and language who asks
for it at the same seq (a connect storm), and never crosses audiences: a participant
asking after a facilitator still gets no hidden card."""

import uuid

import pytest
from channels.db import database_sync_to_async

from realtime import snapshots
from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board():
    workshop = make_workshop()
    room = breakout(workshop)
    lead = make_facilitator(workshop)
    people = [make_participant(workshop, room, name) for name in ("Ana", "Bob", "Cyd")]
    post_card(people[0], room, "Rain gardens")
    post_card(people[0], room, "Spam for everyone")
    services.card_set_hidden(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_id=Card.objects.get(text="Spam for everyone").pk,
        hidden=True,
        op_id=uuid.uuid4(),
    )
    room.refresh_from_db()
    return room, lead, people


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of a snapshot, as (board, seq, with hidden cards, language)."""
    made = []
    render = snapshots._render

    def counted(breakout, with_hidden, language):
        made.append((breakout.pk, breakout.seq, with_hidden, language))
        return render(breakout, with_hidden, language)

    monkeypatch.setattr(snapshots, "_render", counted)
    monkeypatch.setattr(snapshots, "_kept", {})
    return made


async def snapshot_for(person, room):
    socket, _ = await open_socket(person, room)
    await socket.send_json_to({"type": "resume", "since": -1, "epoch": room.epoch})
    while True:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == "snapshot":
            await socket.disconnect()
            return message


async def test_one_rendering_for_everyone_at_one_seq_and_a_new_one_after_a_change(board, renders):
    room, _lead, people = board
    heard = [await snapshot_for(person, room) for person in people]
    assert len({m["html"] for m in heard}) == 1
    assert renders == [(room.pk, room.seq, False, "en")]

    await database_sync_to_async(post_card)(people[1], room, "Green roofs")
    after = await snapshot_for(people[2], room)
    assert "Green roofs" in after["html"]
    assert renders[-1] == (room.pk, room.seq + 1, False, "en")


async def test_a_facilitators_snapshot_never_reaches_a_participant(board, renders):
    room, lead, people = board
    team = await snapshot_for(lead, room)
    member = await snapshot_for(people[0], room)
    assert "Spam for everyone" in team["html"]
    assert "Spam for everyone" not in member["html"]
    assert [with_hidden for _b, _s, with_hidden, _l in renders] == [True, False]
