"""Send what changed to the channel layer, after the commit (workshops.services.publish
schedules every call here). Each board event is projected once per audience and encoded
once per interface language; consumers forward the frames of their reader unchanged.

The channel layer is a messenger: when it fails, the event is still in the database and
clients catch up from the log on their next head beacon.
"""

import asyncio
import logging
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from workshops import queries

from . import events, groups, protocol
from .fanout import fanout

logger = logging.getLogger(__name__)

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def event_frames(event, projected: events.Projected) -> list[str]:
    """The frames that carry one BoardEvent, as an audience sees it."""
    message = protocol.event(
        breakout=event.breakout_id,
        seq=event.seq,
        name=projected.name,
        data=projected.data,
        op_id=str(event.op_id) if event.op_id and projected.data is not None else None,
    )
    return protocol.frames(message)


def seen_on(breakout_id: int) -> events.Seen:
    return events.Seen(lambda: queries.hidden_card_ids(breakout_id))


def board_event_message(event) -> dict[str, Any]:
    """The message of a BoardEvent to the processes: its frames for each audience,
    encoded once. An audience that sees the same as another names it instead."""
    seen = seen_on(event.breakout_id)
    frames: dict[str, Any] = {}
    projections: dict[str, events.Projected] = {}
    for audience in events.Audience:
        projected = events.project(event.type, event.payload, audience, seen)
        same = next((name for name, other in projections.items() if other == projected), None)
        if same is not None:
            frames[audience.value] = same
            continue
        projections[audience.value] = projected
        frames[audience.value] = event_frames(event, projected)
    return {
        "type": "board.event",
        "breakout": event.breakout_id,
        "seq": event.seq,
        "frames": frames,
    }


def board_event(event, workshop_id: int) -> None:
    fanout.publish(event.breakout_id, board_event_message(event))
    if events.EVENT_TYPES[event.type].changes_control_row:
        control_changed(workshop_id, [event.breakout_id])


def in_every_language(build) -> dict[str, list[str]]:
    """The frames of a message in each interface language."""
    texts = {}
    for code in LANGUAGES:
        with translation.override(code):
            texts[code] = protocol.frames(build())
    return texts


def plenary_message(workshop_id: int, payload: dict[str, Any]) -> None:
    def build():
        return protocol.message(html=render_to_string("workshops/board.html#message", payload))

    send(
        groups.workshop(workshop_id),
        {"type": "plenary.message", "frames": in_every_language(build)},
    )


def presence(breakout) -> None:
    """Who is on a board now, to everyone on it; its control-room row changes too."""
    view = queries.presence_view(breakout)

    def build():
        html = render_to_string("workshops/board.html#presence", {"presence": view})
        return protocol.presence(breakout=breakout.pk, count=view["count"], html=html)

    message = {"type": "board.presence", "frames": in_every_language(build)}
    fanout.publish(breakout.pk, message)
    control_changed(breakout.workshop_id, [breakout.pk])


def control_changed(workshop_id: int, breakout_ids: list[int], toolbar: bool = False) -> None:
    """Rows of the control room (or its toolbar) to render again; each process does it
    once for its own control-room sockets (realtime.control)."""
    message = {"type": "control.changed", "breakouts": breakout_ids, "toolbar": toolbar}
    send(groups.control_room(workshop_id), message)


def access_changed(participant_ids: list[int]) -> None:
    for participant_id in participant_ids:
        send(groups.participant(participant_id), {"type": "access.changed"})


def everyone_to_their_place(workshop_id: int) -> None:
    send(groups.workshop(workshop_id), {"type": "workshop.go"})


def my_votes(participant_id: int, breakout_id: int) -> None:
    mine = queries.my_votes_of(participant_id, breakout_id)
    message = {"type": "votes.mine", "breakout": breakout_id, "mine": mine}
    send(groups.participant(participant_id), message)


def help_handled(participant_id: int) -> None:
    send(groups.participant(participant_id), {"type": "help.handled"})


def recommendations_changed(workshop_id: int) -> None:
    send(groups.workshop(workshop_id), {"type": "workshop.recommendations"})


def send(group: str, message: dict[str, Any]) -> None:
    """Hand a message to the channel layer. From a thread of a serving process this does
    not wait for it (a write's thread goes on at once); elsewhere it does."""
    layer = get_channel_layer()
    loop = fanout.serving_loop()
    if loop is None:
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:
            logger.warning("broadcast to %s failed; clients catch up from the log", group)
        return
    sent = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
    sent.add_done_callback(partial(_report_failure, group))


def _report_failure(group: str, sent) -> None:
    if not sent.cancelled() and sent.exception() is not None:
        logger.warning("broadcast to %s failed; clients catch up from the log", group)
