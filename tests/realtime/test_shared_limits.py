"""Limits hold for a person and an address, whatever sockets they open: a second
socket, a reconnection or a second server process does not give a fresh budget, and a
resume costs what it makes the server do."""

import asyncio
import json
import uuid

import pytest
import websockets
from channels.db import database_sync_to_async

from realtime import protocol
from tests.factories import breakout, make_participant, make_workshop, post_card, session_cookie
from tests.realtime.helpers import card_message, open_socket
from tests.servers import daphne
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)


def board(people=1, cards=0):
    workshop = make_workshop()
    room = breakout(workshop)
    members = [make_participant(workshop, room, f"P{n}") for n in range(people)]
    for number in range(cards):
        post_card(members[0], room, f"card {number}")
    room.refresh_from_db()
    return room, members


async def reply_to(socket, message, kinds=("ack", "error")) -> dict:
    await socket.send_json_to(message)
    while True:
        reply = await socket.receive_json_from(timeout=5)
        if reply["type"] in kinds:
            return reply


async def test_two_sockets_of_one_person_share_one_budget(settings):
    settings.WS_PARTICIPANT_RATE = (0.01, 5)
    room, (ana,) = await database_sync_to_async(board)()
    first, _ = await open_socket(ana, room)
    second, _ = await open_socket(ana, room)
    replies = [await reply_to(first, card_message(f"first {n}")) for n in range(3)]
    replies += [await reply_to(second, card_message(f"second {n}")) for n in range(3)]
    assert [r["type"] for r in replies] == ["ack"] * 5 + ["error"]
    assert (replies[-1]["code"], replies[-1]["retryable"]) == ("rate_limited", True)
    await first.disconnect()
    await second.disconnect()
    again, _ = await open_socket(ana, room)  # a new connection gets no new budget
    refused = await reply_to(again, card_message("after reconnecting"))
    assert refused["code"] == "rate_limited"
    assert await database_sync_to_async(Card.objects.count)() == 5
    await again.disconnect()


async def test_people_at_one_address_share_its_budget(settings):
    settings.WS_ADDRESS_RATE = (0.01, 4)
    room, (ana, bob) = await database_sync_to_async(board)(people=2)
    sockets = [(await open_socket(person, room))[0] for person in (ana, bob, ana, bob)]
    replies = [await reply_to(s, card_message(f"card {n}")) for n, s in enumerate(sockets)]
    replies.append(await reply_to(sockets[0], card_message("one more")))
    assert [r["type"] for r in replies] == ["ack"] * 4 + ["error"]
    for socket in sockets:
        await socket.disconnect()


async def test_a_resume_costs_what_it_replays(settings):
    settings.WS_PARTICIPANT_RATE = (0.01, 12)
    room, (ana,) = await database_sync_to_async(board)(cards=200)
    socket, _ = await open_socket(ana, room)
    resume = {"type": "resume", "since": 0, "epoch": room.epoch}
    replayed = ("event", "snapshot", "error")
    first = await reply_to(socket, resume, replayed)
    assert first["type"] == "event"  # 200 events: 1 + 200 // 20 = 11 of the 12 tokens
    while not await socket.receive_nothing(timeout=0.3):
        await socket.receive_json_from()
    second = await reply_to(socket, resume, replayed)
    assert (second["type"], second["code"]) == ("error", "rate_limited")
    await socket.disconnect()


async def test_reconnecting_again_and_again_is_refused(settings):
    settings.WS_PARTICIPANT_CONNECTS = (0.01, 3)
    room, (ana,) = await database_sync_to_async(board)()
    for _ in range(3):
        socket, opened = await open_socket(ana, room)
        assert opened
        await socket.disconnect()
    socket, opened = await open_socket(ana, room)
    assert not opened
    assert (await socket.receive_json_from(timeout=5))["code"] == "rate_limited"
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": protocol.CLOSE_POLICY}


def test_a_person_posting_through_two_servers_and_reconnecting_keeps_one_budget(
    needs_postgres, needs_redis, output_dir
):
    room, (ana,) = board()
    cookie = session_cookie(ana)
    path = f"/ws/workshops/{room.workshop_id}/?breakout={room.pk}"
    limits = {"WS_RATE_PER_SECOND": "2", "WS_RATE_BURST": "10", "WS_RATE_STRIKES": "1000"}

    async def post_for(bases, seconds):
        """Post as fast as the server answers, from a socket on each server, closing
        and opening them again after every card."""
        acks = 0
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            for base in bases:
                async with websockets.connect(
                    base.replace("http", "ws") + path,
                    origin="http://127.0.0.1",
                    additional_headers={"Cookie": f"sessionid={cookie}"},
                ) as socket:
                    await socket.send(json.dumps(card_message("again", op_id=uuid.uuid4())))
                    while (reply := json.loads(await socket.recv()))["type"] not in (
                        "ack",
                        "error",
                    ):
                        pass
                    acks += reply["type"] == "ack"
        return acks

    extra = {**limits, "WS_CONNECTS_PER_SECOND": "100", "WS_CONNECTS_BURST": "1000"}
    with daphne(output_dir, **extra) as (first, _), daphne(output_dir, **extra) as (second, _):
        acks = asyncio.run(post_for([first, second], seconds=4))
    stored = Card.objects.filter(breakout=room).count()
    assert stored == acks
    assert stored <= 10 + 2 * 5  # the burst, and what two per second adds in the time
