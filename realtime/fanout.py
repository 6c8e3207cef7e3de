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


def channel(board_id: int) -> str:
    return f"{settings.REDIS_PREFIX}:board:{board_id}"


class Fanout:
    def __init__(self):
        self.readers: dict[int, set] = defaultdict(set)  # board id -> local sockets
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
            if settings.REDIS_URL and self.listener is not None:
                try:
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
        self.loop, self.listener, self.task, self.readers = loop, None, None, defaultdict(set)
        if settings.REDIS_URL:
            client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
            self.listener = client.pubsub(ignore_subscribe_messages=True)

    async def _subscribe(self, board_id: int) -> None:
        try:
            await self.listener.subscribe(channel(board_id))
        except (redis.RedisError, OSError) as exc:
            logger.warning("could not subscribe to board %s: %s", board_id, exc)
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._listen())

    async def _listen(self) -> None:
        """Until no board is subscribed any more; through Redis going away and back."""
        while True:
            try:
                async for message in self.listener.listen():
                    board_id = int(message["channel"].rsplit(b":", 1)[1])
                    await self.deliver(board_id, message["data"])
                return
            except (redis.RedisError, OSError) as exc:
                logger.warning("board messages interrupted, clients catch up: %s", exc)
                await asyncio.sleep(RETRY_AFTER)
                await self._resubscribe()

    async def _resubscribe(self) -> None:
        try:
            await self.listener.reset()
            if self.readers:
                await self.listener.subscribe(*(channel(b) for b in self.readers))
        except (redis.RedisError, OSError):
            pass  # the next round tries again

    async def deliver(self, board_id: int, payload: bytes) -> None:
        """Decode once, then hand the message to every local socket of the board."""
        message = orjson.loads(payload)
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
