"""Drive BoardReplica clients over real websockets against real Daphne processes."""

import asyncio
import contextlib
import json
import random

import websockets
from channels.db import database_sync_to_async

from tests.realtime.frames import PartJoiner
from tests.realtime.replica import BoardReplica
from workshops.models import Breakout, Card

ORIGIN = "http://127.0.0.1"


class LiveClient:
    """Reconnects with jittered backoff, to the next server when one is gone, and resends
    its outbox on every connection, as the browser client does."""

    def __init__(self, bases: list[str], participant, room, cookie: str, first: int = 0):
        self.replica = BoardReplica(room.pk, participant.display_name)
        self.bases = bases
        self.current = first
        self.path = f"/ws/workshops/{participant.workshop_id}/?breakout={room.pk}"
        self.cookie = cookie
        self.socket = None
        self.connections = 0
        self.retry = None

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        while not stop.is_set():
            base = self.bases[self.current % len(self.bases)].replace("http", "ws")
            try:
                async with websockets.connect(
                    base + self.path,
                    origin=ORIGIN,
                    additional_headers={"Cookie": f"sessionid={self.cookie}"},
                    open_timeout=3,
                    close_timeout=1,
                ) as socket:
                    self.socket, attempt = socket, 0
                    self.connections += 1
                    await self.send_all(self.replica.on_open())
                    joiner = PartJoiner()
                    async for frame in socket:
                        message = joiner.message(frame)
                        if message is not None:
                            await self.send_all(self.replica.receive(message))
                        if self.replica.retry_wanted:
                            self.replica.retry_wanted = False
                            self.schedule_retry()
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                self.current += 1
            finally:
                self.socket = None
            attempt += 1
            await asyncio.sleep(random.uniform(0, min(2.0, 0.1 * 2**attempt)))

    async def send(self, message: dict) -> None:
        socket = self.socket
        if socket is not None:
            # A send lost with its connection is still in the outbox; it goes again later.
            with contextlib.suppress(websockets.exceptions.WebSocketException):
                await socket.send(json.dumps(message))

    async def send_all(self, messages: list[dict]) -> None:
        for message in messages:
            await self.send(message)

    def schedule_retry(self) -> None:
        """Restart the one pending retry, like the browser's clearTimeout + setTimeout."""
        if self.retry is not None:
            self.retry.cancel()
        self.retry = asyncio.get_running_loop().create_task(self.retry_later())

    async def retry_later(self) -> None:
        await asyncio.sleep(random.uniform(0.5, 1.5))
        await self.send_all(list(self.replica.outbox.values()))

    async def post(self, text: str) -> None:
        await self.send(self.replica.post(text))


@database_sync_to_async
def board_in_database(room_id: int) -> tuple[int, dict[int, str]]:
    head = Breakout.objects.get(pk=room_id).seq
    return head, dict(Card.objects.filter(breakout_id=room_id).values_list("id", "text"))


async def until(condition, timeout: float, step: float = 0.2) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(step)
    return False


async def workload(clients: list[LiveClient], per_client: int, fault, fault_after: float) -> dict:
    """Every client posts `per_client` cards while `fault` strikes; then everyone settles."""
    stop = asyncio.Event()
    runners = [asyncio.create_task(client.run(stop)) for client in clients]

    async def all_connected():
        return all(client.socket is not None for client in clients)

    assert await until(all_connected, 30), "clients did not connect"

    async def poster(client):
        for number in range(per_client):
            await client.post(f"{client.replica.name} #{number}")
            await asyncio.sleep(random.uniform(0.02, 0.08))

    posting = asyncio.gather(*(poster(client) for client in clients))
    await asyncio.sleep(fault_after)
    await fault()
    await posting

    async def outboxes_empty():
        return not any(client.replica.outbox for client in clients)

    async def converged():
        for client in clients:
            head, cards = await board_in_database(client.replica.breakout)
            if client.replica.seq != head or client.replica.cards != cards:
                return False
        return True

    emptied = await until(outboxes_empty, 90)
    settled = emptied and await until(converged, 60)
    stop.set()
    for client in clients:
        if client.socket is not None:
            await client.socket.close()
    await asyncio.gather(*runners, return_exceptions=True)
    return {"outboxes_empty": emptied, "converged": settled}
