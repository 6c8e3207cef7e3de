"""The limits hold on a real Daphne: the browser sees the documented close codes."""

import asyncio
import contextlib
import json

import pytest
import websockets

from realtime import protocol
from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.realtime.helpers import card_message
from tests.servers import daphne

pytestmark = pytest.mark.django_db(transaction=True)


async def close_code_after(url: str, cookie: str, frames: list) -> int:
    async with websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    ) as socket:
        for frame in frames:
            try:
                await socket.send(frame)
            except websockets.exceptions.ConnectionClosed:
                break
        try:
            while True:
                await asyncio.wait_for(socket.recv(), timeout=10)
        except websockets.exceptions.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None  # None: dropped


def test_floods_big_frames_and_binary_get_their_close_codes(output_dir):
    workshop = make_workshop()
    room = breakout(workshop)
    cookie = session_cookie(make_participant(workshop, room, "Ana"))
    resume = json.dumps({"type": "resume", "since": 0, "epoch": 0})
    with daphne(output_dir, WS_RATE_BURST="5", WS_RATE_PER_SECOND="1", WS_RATE_STRIKES="5") as (
        base,
        _,
    ):
        url = f"{base.replace('http', 'ws')}/ws/workshops/{workshop.pk}/?breakout={room.pk}"
        too_big = "x" * (protocol.MAX_FRAME_BYTES + 1)
        codes = [
            asyncio.run(close_code_after(url, cookie, frames))
            for frames in ([resume] * 50, [too_big], [b"\x00binary"])
        ]
    # Daphne itself drops a connection that sends a frame over the limit.
    assert codes == [protocol.CLOSE_POLICY, None, protocol.CLOSE_UNSUPPORTED_DATA]


async def flood_until_cut(url: str, cookie: str) -> int:
    frame = json.dumps({"type": "resume", "since": 0, "epoch": 0})
    async with websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    ) as socket:
        sent = 0
        with contextlib.suppress(websockets.exceptions.ConnectionClosed):
            while sent < 200_000:
                await socket.send(frame)
                sent += 1
                if sent % 100 == 0:
                    await asyncio.sleep(0)
        return sent


async def post_and_hear(url: str, cookie: str) -> dict:
    async with websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    ) as socket:
        await socket.send(json.dumps(card_message("Heard despite the flood")))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
            if message["type"] == "event":
                return message


def test_a_flood_is_cut_and_others_keep_working(output_dir):
    workshop = make_workshop()
    room = breakout(workshop)
    flooder = session_cookie(make_participant(workshop, room, "Flood"))
    calm = session_cookie(make_participant(workshop, room, "Calm"))
    with daphne(output_dir) as (base, _):
        url = f"{base.replace('http', 'ws')}/ws/workshops/{workshop.pk}/?breakout={room.pk}"

        async def scenario():
            return await asyncio.gather(flood_until_cut(url, flooder), post_and_hear(url, calm))

        sent, heard = asyncio.run(scenario())
    assert sent < 200_000  # cut long before the flood ended
    assert heard["data"]["card"]["text"] == "Heard despite the flood"
