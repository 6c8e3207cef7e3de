"""Steering reaches the right sockets at once: moves, plenary, phases, moderation,
presence, help and messages."""

import uuid

import pytest
from channels.db import database_sync_to_async

from tests.factories import make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import card_message, open_socket
from workshops import services
from workshops.models import Card, HelpRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def w():
    workshop = make_workshop(breakouts=2)
    first, second = workshop.breakouts.all()
    return {
        "workshop": workshop,
        "first": first,
        "second": second,
        "lead": make_facilitator(workshop),
        "ana": make_participant(workshop, first, "Ana"),
        "bob": make_participant(workshop, first, "Bob"),
    }


async def next_of(socket, kind, timeout=5):
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


def run(service, **arguments):
    return database_sync_to_async(service)(**arguments)


async def test_a_moved_participant_is_told_to_go(w):
    ana, _ = await open_socket(w["ana"], w["first"])
    await run(
        services.participant_move,
        actor_id=w["lead"].pk,
        participant_id=w["ana"].pk,
        breakout_id=w["second"].pk,
    )
    assert await next_of(ana, "go") == {"type": "go"}
    await ana.disconnect()


async def test_plenary_moves_participants_but_not_facilitators(w):
    ana, _ = await open_socket(w["ana"], w["first"])
    observer, _ = await open_socket(w["lead"], w["first"])
    await run(
        services.workshop_set_mode,
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        mode="plenary",
    )
    assert await next_of(ana, "go") == {"type": "go"}
    assert await observer.receive_nothing(timeout=0.5)
    for socket in (ana, observer):
        await socket.disconnect()


async def test_a_phase_change_locks_the_board_for_everyone_at_once(w):
    ana, _ = await open_socket(w["ana"], w["first"])
    await run(
        services.breakouts_set_phase,
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        phase="cluster",
    )
    event = await next_of(ana, "event")
    assert (event["name"], event["data"]) == ("phase.changed", {"phase": "cluster"})
    message = card_message("Too late")
    await ana.send_json_to(message)
    error = await next_of(ana, "error")
    assert (error["code"], error["op_id"]) == ("forbidden", message["op_id"])
    assert "Posting is closed" in error["message"]
    await ana.disconnect()


async def test_a_facilitator_hides_a_card_live(w):
    await database_sync_to_async(post_card)(w["ana"], w["first"], "Off topic")
    card = await database_sync_to_async(Card.objects.get)()
    ana, _ = await open_socket(w["ana"], w["first"])
    lead, _ = await open_socket(w["lead"], w["first"])
    await lead.send_json_to({"type": "card.hide", "op_id": str(uuid.uuid4()), "card_id": card.pk})
    heard = {}
    while len(heard) < 2:  # the ack and the event, in either order
        message = await lead.receive_json_from(timeout=5)
        if message["type"] in ("ack", "event"):
            heard[message["type"]] = message
    assert heard["ack"]["seq"] == 2
    removed = await next_of(ana, "event")
    assert (removed["name"], removed["data"]) == ("card.removed", {"card": {"id": card.pk}})
    marked = heard["event"]
    assert (marked["name"], marked["data"]["card"]) == (
        "card.hidden",
        {**marked["data"]["card"], "text": "Off topic", "hidden": True},
    )
    for socket in (ana, lead):
        await socket.disconnect()


async def test_participants_cannot_moderate_and_foreign_cards_are_not_found(w):
    await database_sync_to_async(post_card)(w["ana"], w["first"], "Mine")
    card = await database_sync_to_async(Card.objects.get)()
    ana, _ = await open_socket(w["ana"], w["first"])
    await ana.send_json_to({"type": "card.hide", "op_id": str(uuid.uuid4()), "card_id": card.pk})
    assert (await next_of(ana, "error"))["code"] == "forbidden"
    lead, _ = await open_socket(w["lead"], w["second"])
    await lead.send_json_to({"type": "card.hide", "op_id": str(uuid.uuid4()), "card_id": card.pk})
    assert (await next_of(lead, "error"))["code"] == "not_found"
    assert await database_sync_to_async(Card.objects.filter(hidden_at__isnull=False).count)() == 0
    for socket in (ana, lead):
        await socket.disconnect()


async def test_presence_lists_names_or_only_a_count_when_anonymous(w):
    ana, _ = await open_socket(w["ana"], w["first"])
    bob, _ = await open_socket(w["bob"], w["first"])
    presence = await next_of(ana, "presence")
    assert presence["count"] == 2
    assert "Ana" in presence["html"]
    assert "Bob" in presence["html"]
    await run(
        services.workshop_set_anonymous,
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        allowed=True,
    )
    await bob.disconnect()
    presence = await next_of(ana, "presence")
    assert presence["count"] == 1
    assert "Ana" not in presence["html"]
    await ana.disconnect()


async def test_help_reaches_the_control_room_and_its_answer_the_participant(w):
    control, _ = await open_socket(w["lead"], query="view=control")
    ana, _ = await open_socket(w["ana"], w["first"])
    await run(
        services.help_request,
        participant_id=w["ana"].pk,
        workshop_id=w["workshop"].pk,
        kind="help",
        note="Lost",
    )
    row = "".join((await next_of(control, "control"))["fragments"])
    while "Lost" not in row:
        row = "".join((await next_of(control, "control"))["fragments"])
    assert f'id="breakout-row-{w["first"].pk}"' in row
    request = await database_sync_to_async(HelpRequest.objects.get)()
    await run(services.help_handle, actor_id=w["lead"].pk, request_id=request.pk)
    assert await next_of(ana, "help") == {"type": "help", "open": False}
    for socket in (control, ana):
        await socket.disconnect()


async def test_a_message_to_all_reaches_the_plenary_page(w):
    cyd = await database_sync_to_async(make_participant)(w["workshop"], None, "Cyd")
    plenary, _ = await open_socket(cyd)
    await run(
        services.message_send,
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        text="Welcome back",
    )
    message = await next_of(plenary, "message")
    assert "Welcome back" in message["html"]
    await plenary.disconnect()


async def test_sockets_of_the_plenary_page_cannot_post(w):
    cyd = await database_sync_to_async(make_participant)(w["workshop"], None, "Cyd")
    plenary, _ = await open_socket(cyd)
    await plenary.send_json_to(card_message("Nowhere"))
    assert (await next_of(plenary, "error"))["code"] == "forbidden"
    assert await database_sync_to_async(Card.objects.count)() == 0
    await plenary.disconnect()
