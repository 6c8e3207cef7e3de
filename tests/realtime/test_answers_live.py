"""Links reach the difficulty's board live: members see the practice that answers it,
from another breakout, but never a hidden practice's text, live or in a replay."""

import uuid

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_PRACTICE = "We pay the contractor through the deputy's private account."


def two_boards():
    workshop = make_workshop(breakouts=2)
    one, two = breakout(workshop, 1), breakout(workshop, 2)
    ana = make_participant(workshop, one, "Ana")
    ben = make_participant(workshop, two, "Ben")
    post_card(ana, one, "Tree maintenance has no budget.", kind="difficulty")
    post_card(ben, two, SECRET_PRACTICE)
    return one, two, ana, make_facilitator(workshop)


async def events_of(socket) -> list[dict]:
    received = []
    while not await socket.receive_nothing(timeout=0.5):
        message = await socket.receive_json_from()
        if message["type"] == "event":
            received.append(message)
    return received


async def test_members_see_a_link_live_and_lose_it_when_the_practice_is_hidden():
    one, two, ana, lead = await database_sync_to_async(two_boards)()
    difficulty = await database_sync_to_async(Card.objects.get)(kind="difficulty")
    practice = await database_sync_to_async(Card.objects.get)(kind="practice")
    member, _ = await open_socket(ana, one)
    team, _ = await open_socket(lead, one)
    await events_of(member), await events_of(team)

    await database_sync_to_async(services.answer_link)(
        actor_id=lead.pk, difficulty_id=difficulty.pk, practice_id=practice.pk, note="See this"
    )
    (linked,) = await events_of(member)
    assert linked["name"] == "answers.changed"
    (answer,) = linked["data"]["links"]
    assert (answer["practice"]["text"], answer["practice"]["breakout"]) == (
        SECRET_PRACTICE,
        "Room 2",
    )
    await events_of(team)

    await database_sync_to_async(services.card_set_hidden)(
        participant_id=lead.pk,
        breakout_id=two.pk,
        card_id=practice.pk,
        hidden=True,
        op_id=uuid.uuid4(),
    )
    (after_hiding,) = await events_of(member)
    assert after_hiding["data"] == {"difficulty": difficulty.pk, "links": []}
    (for_the_team,) = await events_of(team)
    assert for_the_team["data"]["links"][0]["practice"]["hidden"] is True

    await member.send_json_to({"type": "resume", "since": 0, "epoch": one.epoch})
    replayed = await events_of(member)
    assert SECRET_PRACTICE not in str(replayed)
    assert [m["name"] for m in replayed][-2:] == ["answers.changed", "answers.changed"]
    for socket in (member, team):
        await socket.disconnect()
