"""A reconnecting client gets exactly what it missed, or a snapshot when it cannot."""

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import queries

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    for number in range(1, 6):
        post_card(ana, room, f"card {number}")
    room.refresh_from_db()
    return ana, room


async def resume(ana, room, since, epoch):
    socket, _ = await open_socket(ana, room)
    await socket.send_json_to({"type": "resume", "since": since, "epoch": epoch})
    return socket


async def board_messages(socket, timeout=0.5):
    """What the socket hears about the board itself, leaving out the person's own vote
    tally and presence, which come with every connection."""
    heard = []
    while not await socket.receive_nothing(timeout=timeout):
        message = await socket.receive_json_from()
        if message["type"] not in ("votes.mine", "presence"):
            heard.append(message)
    return heard


async def test_a_client_gets_the_events_it_missed_in_order(board):
    ana, room = board
    socket = await resume(ana, room, 2, room.epoch)
    received = await board_messages(socket)
    assert [m["seq"] for m in received] == [3, 4, 5]
    assert [m["data"]["card"]["text"] for m in received] == ["card 3", "card 4", "card 5"]
    await socket.disconnect()


async def test_an_up_to_date_client_gets_nothing(board):
    ana, room = board
    socket = await resume(ana, room, 5, room.epoch)
    assert await board_messages(socket) == []
    await socket.disconnect()


@pytest.mark.parametrize(
    ("since", "same_epoch"),
    [(-1, True), (6, True), (10**30, True), (2, False)],
    ids=["negative", "ahead", "far-ahead", "old-epoch"],
)
async def test_an_impossible_position_gets_a_snapshot(board, since, same_epoch):
    ana, room = board
    socket = await resume(ana, room, since, room.epoch if same_epoch else room.epoch + 1)
    snapshot = await socket.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    assert (snapshot["seq"], snapshot["epoch"]) == (5, room.epoch)
    for number in range(1, 6):
        assert f"card {number}" in snapshot["html"]
    await socket.disconnect()


async def test_a_client_too_far_behind_gets_a_snapshot(board, monkeypatch):
    ana, room = board
    monkeypatch.setattr(queries, "MAX_REPLAY", 2)
    socket = await resume(ana, room, 1, room.epoch)
    assert (await socket.receive_json_from(timeout=5))["type"] == "snapshot"
    await socket.disconnect()


async def test_events_after_the_catch_up_still_arrive(board):
    ana, room = board
    socket = await resume(ana, room, 4, room.epoch)
    assert [m["seq"] for m in await board_messages(socket)] == [5]
    await database_sync_to_async(post_card)(ana, room, "card 6")
    (live,) = await board_messages(socket)
    assert (live["type"], live["seq"]) == ("event", 6)
    await socket.disconnect()
