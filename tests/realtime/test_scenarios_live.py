"""Results of a scenario reach everyone on its board live, as data without names."""

import json
import uuid

import msgpack
import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_facilitator, make_participant, make_workshop
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import Breakout

pytestmark = pytest.mark.django_db(transaction=True)


async def next_event(socket):
    while True:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == "event":
            return message


async def test_everyone_on_the_board_sees_results_live():
    workshop = await database_sync_to_async(make_workshop)(breakouts=1)
    room = await database_sync_to_async(breakout)(workshop)
    room.kind, room.criteria = Breakout.Kind.SCENARIOS, ["Feasibility"]
    await database_sync_to_async(room.save)()
    lead = await database_sync_to_async(make_facilitator)(workshop)
    ana = await database_sync_to_async(make_participant)(workshop, room, "Ana")
    bob = await database_sync_to_async(make_participant)(workshop, room, "Bob")
    socket, opened = await open_socket(bob, room)
    assert opened
    await database_sync_to_async(services.scenario_post)(
        participant_id=lead.pk,
        breakout_id=room.pk,
        op_id=uuid.uuid4(),
        title="Hybrid town hall",
        text="Every service online and in person.",
    )
    posted = await next_event(socket)
    assert posted["name"] == "scenario.posted"
    assert posted["data"]["scenario"]["title"] == "Hybrid town hall"
    scenario_id = posted["data"]["scenario"]["id"]
    await database_sync_to_async(services.scenario_react)(
        participant_id=ana.pk,
        scenario_id=scenario_id,
        op_id=uuid.uuid4(),
        stance="agree",
        reason="Reaches everyone",
        ratings={"Feasibility": 4},
    )
    results = await next_event(socket)
    assert results["name"] == "scenario.results"
    assert results["data"]["agree"] == 1
    assert results["data"]["ratings"] == {"Feasibility": {"average": 4.0, "count": 1}}
    assert results["data"]["reasons_agree"] == ["Reaches everyone"]
    assert "Ana" not in json.dumps(results)
    assert msgpack.unpackb(msgpack.packb(results)) == results
    await socket.disconnect()
