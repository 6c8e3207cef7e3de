"""Presence broadcasts, coalesced: when people come and go, each board gets at most one
update a second from each process, whatever the churn."""

import asyncio

from workshops.models import Breakout

from . import publisher
from .db import in_a_thread

DELAY = 1.0
_pending: set[int] = set()


def changed(breakout_id: int) -> None:
    if breakout_id in _pending:
        return
    _pending.add(breakout_id)
    loop = asyncio.get_running_loop()
    loop.call_later(DELAY, lambda: loop.create_task(_flush(breakout_id)))


async def _flush(breakout_id: int) -> None:
    _pending.discard(breakout_id)
    await in_a_thread(_publish)(breakout_id)


def _publish(breakout_id: int) -> None:
    breakout = Breakout.objects.select_related("workshop").filter(pk=breakout_id).first()
    if breakout is not None:
        publisher.presence(breakout)
