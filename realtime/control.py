"""The control room, pushed. When breakouts' rows (or the workshop's toolbar) change,
each process renders them once, in each language its control-room sockets use, and
sends them to those sockets: at most once a second per workshop, coalescing every
change in between. Nothing is fetched per event and nothing polls."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from workshops import queries
from workshops.models import Workshop

from . import protocol
from .db import in_a_thread

INTERVAL = 1.0  # seconds between two pushes to one workshop's control rooms


@dataclass
class Pending:
    breakouts: set[int] = field(default_factory=set)
    every_breakout: bool = False
    toolbar: bool = False


class ControlRooms:
    def __init__(self):
        self.sockets: dict[int, set] = defaultdict(set)
        self.pending: dict[int, Pending] = {}
        self.next_push: dict[int, float] = {}

    def watch(self, consumer) -> None:
        self.sockets[consumer.workshop_id].add(consumer)

    def unwatch(self, consumer) -> None:
        self.sockets[consumer.workshop_id].discard(consumer)

    def changed(self, workshop_id: int, breakouts=(), *, every=False, toolbar=False) -> None:
        first = workshop_id not in self.pending
        pending = self.pending.setdefault(workshop_id, Pending())
        pending.breakouts.update(breakouts)
        pending.every_breakout |= every
        pending.toolbar |= toolbar
        if first:
            loop = asyncio.get_running_loop()
            delay = max(0.0, self.next_push.get(workshop_id, 0.0) - loop.time())
            loop.call_later(delay, lambda: loop.create_task(self.push(workshop_id)))

    async def push(self, workshop_id: int) -> None:
        pending = self.pending.pop(workshop_id)
        self.next_push[workshop_id] = asyncio.get_running_loop().time() + INTERVAL
        sockets = [s for s in self.sockets.get(workshop_id, ()) if s.view == "control"]
        if not sockets:
            return
        languages = {s.language for s in sockets}
        frames = await in_a_thread(render)(workshop_id, pending, languages)
        for socket in sockets:
            for frame in frames.get(socket.language, ()):
                await socket.send(text_data=frame)


def render(workshop_id: int, pending: Pending, languages) -> dict[str, list[str]]:
    """The changed rows and toolbar in each language, read once from the database."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return {}
    rows = []
    if pending.every_breakout or pending.breakouts:
        only = None if pending.every_breakout else sorted(pending.breakouts)
        rows = queries.control_room(workshop, breakout_ids=only)
    toolbar = None
    if pending.toolbar:
        waiting = queries.open_help_requests(workshop).filter(breakout=None)
        toolbar = {"workshop": workshop, "waiting": list(waiting)}
    frames = {}
    for language in languages:
        with translation.override(language):
            fragments = [
                render_to_string("workshops/control.html#breakout-row", {"status": status})
                for status in rows
            ]
            if toolbar:
                fragments.append(render_to_string("workshops/control.html#toolbar", toolbar))
        frames[language] = protocol.frames(protocol.control(fragments=fragments))
    return frames


rooms = ControlRooms()
