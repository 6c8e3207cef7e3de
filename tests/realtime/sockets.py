"""A websocket client of a real Daphne process (or a proxy in front of it), as a board
page opens it."""

import asyncio
import json

import websockets


async def connect(base, participant, cookie, room=None):
    """A socket on the board of `room` (the person's own by default), once "ready"."""
    room_id = room.pk if room is not None else participant.breakout_id
    path = f"/ws/workshops/{participant.workshop_id}/?breakout={room_id}"
    url = base.replace("http", "ws") + path
    client = await websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    )
    await next_of_type(client, "ready")
    return client


async def next_of_type(client, kind: str, timeout: float = 10) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await client.recv())
            if message["type"] == kind:
                return message
