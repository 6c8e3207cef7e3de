"""The report page follows the session: it hears, at most every few seconds, that
something it shows changed, and then loads the draft again."""

import pytest
from channels.db import database_sync_to_async

from realtime import consumers
from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import services

pytestmark = pytest.mark.django_db(transaction=True)


def setup():
    workshop = make_workshop()
    room = breakout(workshop)
    return room, make_participant(workshop, room, "Ana"), make_facilitator(workshop)


async def heard(socket) -> list[str]:
    kinds = []
    while not await socket.receive_nothing(timeout=0.5):
        kinds.append((await socket.receive_json_from())["type"])
    return kinds


async def test_a_card_and_a_recommendation_reach_the_report_page_coalesced(monkeypatch):
    monkeypatch.setattr(consumers, "REPORT_EVERY", 0.2)
    room, ana, lead = await database_sync_to_async(setup)()
    report, opened = await open_socket(lead, query="view=report")
    assert opened
    for text in ("one", "two", "three"):
        await database_sync_to_async(post_card)(ana, room, text)
    assert await heard(report) == ["report"]  # three cards, one reload
    await database_sync_to_async(services.recommendation_save)(
        actor_id=lead.pk, workshop_id=room.workshop_id, text="Do it", clusters=[], cards=[]
    )
    assert await heard(report) == ["report"]
    await report.disconnect()


async def test_a_participant_gets_no_report_page(monkeypatch):
    monkeypatch.setattr(consumers, "REPORT_EVERY", 0.2)
    room, ana, _lead = await database_sync_to_async(setup)()
    socket, _ = await open_socket(ana, query="view=report")
    await database_sync_to_async(post_card)(ana, room, "mine")
    assert "report" not in await heard(socket)
    await socket.disconnect()
