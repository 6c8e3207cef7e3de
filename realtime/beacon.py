"""The per-process beacon. Every WS_HEAD_INTERVAL seconds, in one pass for all the
sockets of this process:
- what each socket's person may see is read again from the database (access.py), so
  a move, removal or role change whose message the channel layer lost is applied;
- each board socket hears its board's head seq, so a client behind it resumes and a
  broadcast the channel layer dropped costs at most one interval;
- the presence rows of open sockets are refreshed (a dead process's rows go stale);
- timers that ran out get their end action (services.timers_expire, once overall).
"""

import asyncio
import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from workshops import queries, services

from . import access
from .db import in_a_thread

logger = logging.getLogger(__name__)


class Beacon:
    def __init__(self):
        self.sockets: set = set()
        self.task: asyncio.Task | None = None

    def watch(self, consumer) -> None:
        self.sockets.add(consumer)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self.run())

    def unwatch(self, consumer) -> None:
        self.sockets.discard(consumer)

    async def run(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.WS_HEAD_INTERVAL)
            sockets = list(self.sockets)
            try:
                accesses, heads = await in_a_thread(self.tick)(sockets)
            except DatabaseError as exc:
                logger.warning("beacon failed: %s", exc)
                continue
            now = timezone.now().isoformat()
            # Side by side: a socket slow to leave its groups holds up no other.
            await asyncio.gather(
                *(
                    consumer.refresh(accesses.get(consumer.access.participant_id), heads, now)
                    for consumer in sockets
                    if consumer in self.sockets
                )
            )

    def tick(self, sockets) -> tuple[dict, dict[int, int]]:
        services.timers_expire()
        present = [c.channel_name for c in sockets if c.counts_as_present]
        services.presence_touch(channel_names=present)
        boards = {c.breakout_id for c in sockets if c.view == "board"}
        heads = queries.breakout_heads(list(boards))
        return access.load(c.access.participant_id for c in sockets), heads


beacon = Beacon()
