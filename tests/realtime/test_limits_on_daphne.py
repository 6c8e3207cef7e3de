"""The limits hold on a real Daphne: the browser sees the documented close codes."""

import asyncio
import json

import pytest
import websockets

from realtime import protocol
from tests.factories import breakout, make_participant, make_workshop, session_cookie
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
            return closed.rcvd.code


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
        codes = [
            asyncio.run(close_code_after(url, cookie, frames))
            for frames in ([resume] * 50, ["x" * 20_000], [b"\x00binary"])
        ]
    assert codes == [protocol.CLOSE_POLICY, protocol.CLOSE_TOO_BIG, protocol.CLOSE_UNSUPPORTED_DATA]
