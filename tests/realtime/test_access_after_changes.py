"""Access is checked at every delivery and resume, against what the database says now:
a moved participant's socket leaves the board it left, a removed one is closed, even
when the message telling the socket was lost."""

import asyncio
import json
import uuid

import pytest
import websockets
from channels.db import database_sync_to_async

from realtime import protocol, publisher
from tests.factories import (
    breakout,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
    session_cookie,
)
from tests.realtime.helpers import open_socket
from tests.servers import RedisServer, daphne
from workshops import services

pytestmark = pytest.mark.django_db(transaction=True)


def two_rooms():
    workshop = make_workshop()
    first, second = breakout(workshop, 1), breakout(workshop, 2)
    return {
        "first": first,
        "second": second,
        "ana": make_participant(workshop, first, "Ana"),
        "bob": make_participant(workshop, first, "Bob"),
        "cyd": make_participant(workshop, first, "Cyd"),
        "lead": make_facilitator(workshop),
    }


def move(w, who, where):
    services.participant_move(
        actor_id=w["lead"].pk, participant_id=w[who].pk, breakout_id=w[where].pk
    )


async def types_heard(socket, timeout=0.5) -> list[dict]:
    heard = []
    while not await socket.receive_nothing(timeout=timeout):
        heard.append(await socket.receive_json_from())
    return [m for m in heard if m["type"] not in ("presence", "head")]


async def test_a_moved_participant_stops_hearing_the_board_they_left():
    w = await database_sync_to_async(two_rooms)()
    ana, _ = await open_socket(w["ana"], w["first"])
    await database_sync_to_async(move)(w, "ana", "second")
    assert await types_heard(ana) == [{"type": "go"}]
    await database_sync_to_async(post_card)(w["bob"], w["first"], "After Ana left")
    assert await types_heard(ana) == []
    await ana.send_json_to({"type": "resume", "since": 0, "epoch": w["first"].epoch})
    assert await types_heard(ana) == [{"type": "go"}]  # no replay of the old board
    await ana.disconnect()


async def test_a_lost_message_costs_at_most_one_beacon_interval(settings, monkeypatch):
    settings.WS_HEAD_INTERVAL = 0.3
    monkeypatch.setattr(publisher, "access_changed", lambda ids: None)  # the layer drops it
    w = await database_sync_to_async(two_rooms)()
    ana, _ = await open_socket(w["ana"], w["first"])
    bob, _ = await open_socket(w["bob"], w["first"])
    await database_sync_to_async(move)(w, "ana", "second")
    await database_sync_to_async(services.participant_remove)(
        actor_id=w["lead"].pk, participant_id=w["bob"].pk
    )
    assert await types_heard(ana, timeout=1) == [{"type": "go"}]
    refusal = await bob.receive_json_from(timeout=2)
    assert refusal["code"] == "removed"
    assert await bob.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": protocol.CLOSE_FORBIDDEN,
    }
    await database_sync_to_async(post_card)(w["cyd"], w["first"], "Later")
    assert await types_heard(ana) == []
    await ana.disconnect()


def test_changes_made_while_redis_is_down_are_applied_on_a_real_daphne(output_dir):
    w = two_rooms()
    cookies = {name: session_cookie(w[name]) for name in ("ana", "bob", "cyd")}
    redis = RedisServer()
    redis.start()

    async def scenario(base):
        url = f"{base.replace('http', 'ws')}/ws/workshops/{w['first'].workshop_id}/"
        sockets = {
            name: await connect(f"{url}?breakout={w['first'].pk}", c) for name, c in cookies.items()
        }
        redis.stop()
        await database_sync_to_async(services.participant_remove)(
            actor_id=w["lead"].pk, participant_id=w["ana"].pk
        )
        await database_sync_to_async(move)(w, "bob", "second")
        closed = await closing_code(sockets["ana"], timeout=10)
        went = await next_type(sockets["bob"], "go", timeout=10)
        redis.start()
        await until_broadcasts_arrive(sockets["cyd"])
        heard_by_bob = await heard_within(sockets["bob"], 2)
        for socket in sockets.values():
            await socket.close()
        return closed, went, heard_by_bob

    try:
        with daphne(output_dir, REDIS_URL=redis.url, WS_HEAD_INTERVAL="1") as (base, _):
            closed, went, heard_by_bob = asyncio.run(scenario(base))
    finally:
        redis.stop()
    assert closed == protocol.CLOSE_FORBIDDEN
    assert went == {"type": "go"}
    assert [m for m in heard_by_bob if m["type"] == "event"] == []


async def until_broadcasts_arrive(socket, attempts=15):
    """Post until a card comes back as a live broadcast: Redis is back for Daphne."""
    for _ in range(attempts):
        op_id = str(uuid.uuid4())
        card = {"type": "card.create", "op_id": op_id, "kind": "practice", "text": "Back"}
        await socket.send(json.dumps(card))
        for message in await heard_within(socket, 2):
            if message["type"] == "event" and message["op_id"] == op_id:
                return
    raise AssertionError("broadcasts never came back after Redis restarted")


async def connect(url, cookie):
    socket = await websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    )
    await next_type(socket, "ready", timeout=5)
    return socket


async def next_type(socket, kind, timeout):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message


async def closing_code(socket, timeout):
    try:
        async with asyncio.timeout(timeout):
            while True:
                await socket.recv()
    except websockets.exceptions.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def heard_within(socket, seconds) -> list[dict]:
    heard = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                heard.append(json.loads(await socket.recv()))
    except TimeoutError:
        return heard
