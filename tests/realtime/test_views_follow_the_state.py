"""What a page shows follows the state: a new vote budget reaches the voters at once,
and labels are written in each reader's language, never stored in the writer's."""

import uuid

import orjson
import pytest
from channels.db import database_sync_to_async
from django.utils import translation

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db(transaction=True)


def board():
    workshop = make_workshop()
    room = breakout(workshop)
    return room, make_participant(workshop, room, "Ana"), make_facilitator(workshop)


async def test_a_new_vote_budget_reaches_the_voters():
    room, ana, lead = await database_sync_to_async(board)()
    socket, _ = await open_socket(ana, room)
    await database_sync_to_async(services.board_settings)(
        actor_id=lead.pk, breakout_id=room.pk, vote_budget=7
    )
    event = await socket.receive_json_from(timeout=5)
    while event["type"] != "event":
        event = await socket.receive_json_from(timeout=5)
    assert (event["name"], event["data"]["budget"]) == ("votes.changed", 7)
    await socket.disconnect()


def test_no_label_is_stored_in_the_writers_language():
    room, ana, lead = board()
    post_card(ana, room, "Rain gardens")
    with translation.override("fr"):
        services.cluster_create(
            participant_id=lead.pk,
            breakout_id=room.pk,
            card_ids=[Card.objects.get().pk],
            op_id=uuid.uuid4(),
        )
        services.board_settings(actor_id=lead.pk, breakout_id=room.pk, votes_visible=True)
    log = orjson.dumps([e.payload for e in BoardEvent.objects.all()]).decode()
    for label in ("Untitled cluster", "Groupe sans titre", "Grupo sin título"):
        assert label not in log
    layout = BoardEvent.objects.get(type="layout.changed").payload
    assert layout["clusters"][0]["title"] == ""
