"""The head beacon: every WS_HEAD_INTERVAL seconds, one query per process reads the head
seq of every board with an open socket here, and each socket gets its board's head. A
client behind it resumes, so a broadcast the channel layer dropped costs at most one
interval of staleness."""

import asyncio
import logging
from collections import defaultdict

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import DatabaseError

from workshops import queries

from . import protocol

logger = logging.getLogger(__name__)


class HeadBeacon:
    def __init__(self):
        self.sockets: dict[int, set] = defaultdict(set)
        self.task: asyncio.Task | None = None

    def watch(self, breakout_id: int, consumer) -> None:
        self.sockets[breakout_id].add(consumer)
        if self.task is None or self.task.done() or self.task.get_loop() is not _loop():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def unwatch(self, breakout_id: int, consumer) -> None:
        watching = self.sockets.get(breakout_id)
        if watching is not None:
            watching.discard(consumer)
            if not watching:
                del self.sockets[breakout_id]

    async def run(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.WS_HEAD_INTERVAL)
            try:
                heads = await database_sync_to_async(queries.breakout_heads)(list(self.sockets))
            except DatabaseError as exc:
                logger.warning("head beacon failed: %s", exc)
                continue
            for breakout_id, seq in heads.items():
                text = protocol.encode(protocol.head(seq=seq))
                for consumer in list(self.sockets.get(breakout_id, ())):
                    await consumer.send(text_data=text)


def _loop():
    return asyncio.get_running_loop()


beacon = HeadBeacon()
