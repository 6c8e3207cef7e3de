"""A dropped broadcast costs one beacon interval: the head tells the client it is behind."""

import pytest
from channels.db import database_sync_to_async

from realtime.fanout import fanout
from tests.factories import breakout, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_lost_event_is_noticed_and_fetched(settings, monkeypatch):
    settings.WS_HEAD_INTERVAL = 0.2
    ana, room = await database_sync_to_async(_board)()
    socket, _ = await open_socket(ana, room)
    monkeypatch.setattr(fanout, "publish", lambda board, message: None)  # Redis drops it
    await database_sync_to_async(post_card)(ana, room, "lost in transit")

    head = await socket.receive_json_from(timeout=5)
    assert (head["type"], head["seq"]) == ("head", 1)
    await socket.send_json_to({"type": "resume", "since": 0, "epoch": room.epoch})
    missed = await socket.receive_json_from(timeout=5)
    assert (missed["type"], missed["seq"]) == ("event", 1)
    assert missed["data"]["card"]["text"] == "lost in transit"
    await socket.disconnect()


def _board():
    workshop = make_workshop()
    room = breakout(workshop)
    return make_participant(workshop, room, "Ana"), room
