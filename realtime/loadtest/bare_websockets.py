"""Python's ceiling for `loadtest --compare`: the same broadcast as `bare_asgi` on the
`websockets` library alone (uvloop when installed).

    python -m realtime.loadtest.bare_websockets --port 8765
"""

import argparse
import asyncio
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.server import serve

from .bare import Rooms, room_of

rooms = Rooms()


async def handle(connection) -> None:
    room = room_of(urlsplit(connection.request.path).query)
    rooms.join(room, connection)
    try:
        async for text in connection:
            reply = rooms.answer(room, text)
            if reply:
                ack, event = reply
                await connection.send(ack)
                websockets.broadcast(rooms.recipients(room), event)
    except websockets.ConnectionClosed:
        pass
    finally:
        rooms.leave(room, connection)


async def main(port: int) -> None:
    # The same limits and pings as `manage.py serve` gives Daphne.
    async with serve(
        handle,
        "127.0.0.1",
        port,
        compression=None,
        max_size=65536,
        ping_interval=20,
        ping_timeout=30,
    ) as server:
        await server.serve_forever()


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(port))
    else:
        uvloop.run(main(port))


if __name__ == "__main__":
    run()
