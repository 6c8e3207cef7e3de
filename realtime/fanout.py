"""Board messages reach each process once, and each process writes them to its own
sockets: one subscription per board per process, on Redis pub/sub when REDIS_URL is
set, inside this process otherwise. A channel-layer group would instead queue and
decode every message once per socket.

What is published here is a messenger's copy: the event log stays the record, and a
message lost on the way (Redis restarting, a process starting) is caught up by the
head beacon and resume.
"""

import asyncio
import logging
from collections import defaultdict

import orjson
import redis
import redis.asyncio
from django.conf import settings

logger = logging.getLogger(__name__)

RETRY_AFTER = 1.0  # seconds before listening again after Redis went away
# Two writes to one board commit in order but may be published in the other order (the
# threads race after their commits): an event that comes early waits this long for the
# ones before it.
GAP_WAIT = 0.2


def channel(board_id: int) -> str:
    return f"{settings.REDIS_PREFIX}:board:{board_id}"


class InOrder:
    """A board's events in the order of their seq, whatever order they arrive in."""

    def __init__(self):
        self.next_seq: int | None = None
        self.waiting: dict[int, dict] = {}

    def arrived(self, event: dict) -> list[dict]:
        """The events that can go now: this one and any it was the gap before."""
        seq = event["seq"]
        if self.next_seq is None or seq < self.next_seq:
            self.next_seq = max(self.next_seq or 0, seq + 1)
            return [event]  # the first heard, or late: readers skip what they had
        if seq > self.next_seq:
            self.waiting[seq] = event
            return []
        ready = [event]
        self.next_seq = seq + 1
        while self.next_seq in self.waiting:
            ready.append(self.waiting.pop(self.next_seq))
            self.next_seq += 1
        return ready

    def overdue(self) -> list[dict]:
        """Give up on the gap: everything waiting, in order."""
        ready = [self.waiting.pop(seq) for seq in sorted(self.waiting)]
        if ready:
            self.next_seq = ready[-1]["seq"] + 1
        return ready


class Fanout:
    def __init__(self):
        self.readers: dict[int, set] = defaultdict(set)  # board id -> local sockets
        self.order: dict[int, InOrder] = defaultdict(InOrder)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: redis.asyncio.client.PubSub | None = None
        self.task: asyncio.Task | None = None
        self._publisher = None

    # On the event loop -------------------------------------------------------------------

    async def watch(self, board_id: int, reader) -> None:
        """`reader.board_message(message)` is awaited for every message of the board."""
        self.attach()
        first = not self.readers[board_id]
        self.readers[board_id].add(reader)
        if first and settings.REDIS_URL:
            await self._subscribe(board_id)

    async def unwatch(self, board_id: int, reader) -> None:
        self.readers[board_id].discard(reader)
        if not self.readers[board_id]:
            del self.readers[board_id]
            self.order.pop(board_id, None)
            if settings.REDIS_URL and self.listener is not None:
                try:
                    async with self.lock:
                        await self.listener.unsubscribe(channel(board_id))
                except (redis.RedisError, OSError) as exc:
                    logger.warning("could not unsubscribe from board %s: %s", board_id, exc)

    def attach(self) -> None:
        """Serve the running event loop: publishing from other threads hands messages to
        it, and it listens to Redis (one listener per loop; a test suite runs several)."""
        loop = asyncio.get_running_loop()
        if self.loop is loop:
            return
        # Sockets belong to the loop they were opened on.
        self.loop, self.listener, self.task = loop, None, None
        # Subscribing is one conversation with Redis at a time: two at once would each
        # open a connection, and the listener would read only one of them.
        self.lock = asyncio.Lock()
        self.readers, self.order = defaultdict(set), defaultdict(InOrder)
        if settings.REDIS_URL:
            client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
            self.listener = client.pubsub(ignore_subscribe_messages=True)

    async def _subscribe(self, board_id: int) -> None:
        try:
            async with self.lock:
                await self.listener.subscribe(channel(board_id))
        except (redis.RedisError, OSError) as exc:
            logger.warning("could not subscribe to board %s: %s", board_id, exc)
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._listen())

    async def _listen(self) -> None:
        """While boards here have readers; through Redis going away and back: then every
        board is subscribed again, retrying until Redis answers."""
        interrupted = False
        while self.readers:
            try:
                if interrupted:
                    await self._resubscribe()
                    interrupted = False
                async for message in self.listener.listen():
                    board_id = int(message["channel"].rsplit(b":", 1)[1])
                    await self.deliver(board_id, message["data"])
                interrupted = True  # nothing was subscribed (any more)
            except (redis.RedisError, OSError) as exc:
                logger.warning("board messages interrupted, clients catch up: %s", exc)
                interrupted = True
                await asyncio.sleep(RETRY_AFTER)

    async def _resubscribe(self) -> None:
        async with self.lock:
            await self.listener.reset()
            await self.listener.subscribe(*(channel(b) for b in self.readers))

    async def deliver(self, board_id: int, payload: bytes) -> None:
        """Decode once, put a board's events back in the order of their seq, and hand
        each message to every local socket of the board."""
        message = orjson.loads(payload)
        if message["type"] != "board.event":
            await self.hand_out(board_id, message)
            return
        for event in self.order[board_id].arrived(message):
            await self.hand_out(board_id, event)
        if self.order[board_id].waiting:
            self.loop.call_later(GAP_WAIT, self.loop.create_task, self.flush(board_id))

    async def flush(self, board_id: int) -> None:
        """A missing event did not come: what came after it goes on (clients resume)."""
        for event in self.order[board_id].overdue():
            await self.hand_out(board_id, event)

    async def hand_out(self, board_id: int, message: dict) -> None:
        for reader in list(self.readers.get(board_id, ())):
            await reader.board_message(message)

    # From any thread ---------------------------------------------------------------------

    def serving_loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop of this process's sockets, if it is running."""
        loop = self.loop
        return loop if loop is not None and loop.is_running() else None

    def publish(self, board_id: int, message: dict) -> None:
        """Send a board's message to every process, without waiting for the sockets."""
        payload = orjson.dumps(message)
        if settings.REDIS_URL:
            try:
                self.publisher().publish(channel(board_id), payload)
            except (redis.RedisError, OSError) as exc:
                logger.warning("board %s not told (clients catch up): %s", board_id, exc)
        elif (loop := self.serving_loop()) is not None:
            asyncio.run_coroutine_threadsafe(self.deliver(board_id, payload), loop)

    def publisher(self) -> redis.Redis:
        if self._publisher is None:
            self._publisher = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        return self._publisher


fanout = Fanout()
