"""A hidden card's text never reaches a participant: not when it is hidden, not in a
replay of the events from before, not in a snapshot. Facilitators keep seeing it,
marked as hidden."""

import uuid

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "The deputy mayor private phone number"


def board_with_a_hidden_card():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    lead = make_facilitator(workshop)
    post_card(ana, room, "Visible")
    post_card(ana, room, SECRET)
    secret = Card.objects.get(text=SECRET)
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_ids=[c.pk for c in Card.objects.all()],
        op_id=uuid.uuid4(),
    )
    hide(lead, room, secret, True)
    room.refresh_from_db()
    return room, ana, lead, secret


def hide(lead, room, card, hidden: bool):
    services.card_set_hidden(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_id=card.pk,
        hidden=hidden,
        op_id=uuid.uuid4(),
    )


async def everything(socket) -> list[dict]:
    received = []
    while not await socket.receive_nothing(timeout=0.5):
        received.append(await socket.receive_json_from())
    return received


async def resume(person, room, since):
    socket, _ = await open_socket(person, room)
    await socket.send_json_to({"type": "resume", "since": since, "epoch": room.epoch})
    received = [m for m in await everything(socket) if m["type"] in ("event", "snapshot")]
    await socket.disconnect()
    return received


async def test_hiding_a_card_sends_members_only_its_id():
    workshop = await database_sync_to_async(make_workshop)()
    room = await database_sync_to_async(breakout)(workshop)
    ana = await database_sync_to_async(make_participant)(workshop, room, "Ana")
    lead = await database_sync_to_async(make_facilitator)(workshop)
    member, _ = await open_socket(ana, room)
    team, _ = await open_socket(lead, room)
    await database_sync_to_async(post_card)(ana, room, SECRET)
    card = await database_sync_to_async(Card.objects.get)()
    await everything(member), await everything(team)
    await database_sync_to_async(hide)(lead, room, card, True)

    (removed,) = [m for m in await everything(member) if m["type"] == "event"]
    assert (removed["name"], removed["data"]) == ("card.removed", {"card": {"id": card.pk}})
    (marked,) = [m for m in await everything(team) if m["type"] == "event"]
    assert (marked["name"], marked["data"]["card"]["text"]) == ("card.hidden", SECRET)
    for socket in (member, team):
        await socket.disconnect()


async def test_a_replay_skips_what_was_hidden_since():
    room, ana, lead, secret = await database_sync_to_async(board_with_a_hidden_card)()
    replayed = await resume(ana, room, 0)
    assert [m["seq"] for m in replayed] == [1, 2, 3, 4]
    assert [m["name"] for m in replayed] == [
        "card.created",
        "skip",
        "layout.changed",
        "card.removed",
    ]
    assert SECRET not in str(replayed)
    (layout,) = replayed[2]["data"]["clusters"]
    assert secret.pk not in layout["card_ids"]

    for_the_team = await resume(lead, room, 0)
    assert [m["name"] for m in for_the_team] == [
        "card.created",
        "card.created",
        "layout.changed",
        "card.hidden",
    ]
    assert for_the_team[1]["data"]["card"]["text"] == SECRET


async def test_a_snapshot_leaves_hidden_cards_out_for_members():
    room, ana, lead, _secret = await database_sync_to_async(board_with_a_hidden_card)()
    (snapshot,) = await resume(ana, room, -1)
    assert "Visible" in snapshot["html"]
    assert SECRET not in snapshot["html"]
    (for_the_team,) = await resume(lead, room, -1)
    assert SECRET in for_the_team["html"]
    assert "Hidden from participants" in for_the_team["html"]


async def test_a_restored_card_comes_back_and_a_replay_follows_its_latest_state():
    room, ana, lead, secret = await database_sync_to_async(board_with_a_hidden_card)()
    await database_sync_to_async(hide)(lead, room, secret, False)
    restored = (await resume(ana, room, 4))[0]
    assert (restored["name"], restored["data"]["card"]["text"]) == ("card.restored", SECRET)
    await database_sync_to_async(hide)(lead, room, secret, True)
    replayed = await resume(ana, room, 0)
    assert [m["name"] for m in replayed][-3:] == ["card.removed", "skip", "card.removed"]
    assert SECRET not in str(replayed)
