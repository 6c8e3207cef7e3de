"""Publish after commit: board events, encoded once per interface language, and the
signals that are not part of any board's log (moves, plenary, presence, help).

Only services call these (through transaction.on_commit), except presence, which the
consumer coalesces. The channel layer is a messenger: when it fails, the event is still
in the database and clients catch up from the log on their next head beacon.
"""

import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from . import groups, protocol

logger = logging.getLogger(__name__)

# The partial that renders the fragment of each event type that shows something.
FRAGMENTS = {
    "card.created": "workshops/board.html#card",
    "card.hidden": "workshops/board.html#card",
    "card.restored": "workshops/board.html#card",
    "message.posted": "workshops/board.html#message",
}


def render_event(event, language: str) -> dict[str, Any]:
    """The client message for one BoardEvent, in one language."""
    template = FRAGMENTS.get(event.type)
    html = ""
    if template:
        with translation.override(language):
            html = render_to_string(template, event.payload)
    return protocol.event(
        breakout=event.breakout_id,
        seq=event.seq,
        name=event.type,
        data=event.payload,
        html=html,
        op_id=str(event.op_id) if event.op_id else None,
    )


def in_every_language(build: Callable[[str], dict[str, Any]]) -> dict[str, str]:
    """Encode a message once per interface language; each socket forwards its own."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = protocol.encode(build(code))
    return texts


def publish_board_event(event, workshop_id: int) -> None:
    message = {
        "type": "board.event",
        "breakout": event.breakout_id,
        "seq": event.seq,
        "texts": in_every_language(lambda code: render_event(event, code)),
    }
    send(groups.breakout(event.breakout_id), message)
    send(groups.facilitators(workshop_id), message)


def plenary_message(workshop_id: int, payload: dict[str, Any]) -> None:
    def build(code):
        return protocol.message(html=render_to_string("workshops/board.html#message", payload))

    texts = in_every_language(build)
    send(groups.workshop(workshop_id), {"type": "plenary.message", "texts": texts})


def publish_presence(breakout) -> None:
    from workshops import queries

    view = queries.presence_view(breakout)

    def build(code):
        html = render_to_string("workshops/board.html#presence", {"presence": view})
        return protocol.presence(breakout=breakout.pk, count=view["count"], html=html)

    texts = in_every_language(build)
    send(groups.breakout(breakout.pk), {"type": "board.presence", "texts": texts})
    control_changed(breakout.workshop_id, breakout.pk)


def send_everyone_to_their_place(workshop_id: int) -> None:
    send(groups.workshop(workshop_id), {"type": "workshop.go"})


def participant_moved(participant_id: int) -> None:
    send(groups.participant(participant_id), {"type": "participant.go"})


def help_handled(participant_id: int) -> None:
    send(groups.participant(participant_id), {"type": "help.handled"})


def recommendations_changed(workshop_id: int) -> None:
    send(groups.workshop(workshop_id), {"type": "workshop.recommendations"})


def control_changed(workshop_id: int, breakout_id: int | None) -> None:
    send(groups.facilitators(workshop_id), {"type": "control.changed", "breakout": breakout_id})


def end_sessions(participant_ids: list[int]) -> None:
    """Close every open socket of these participants (removed, or their invite revoked)."""
    for participant_id in participant_ids:
        send(groups.participant(participant_id), {"type": "session.ended"})


def send(group: str, message: dict[str, Any]) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        logger.warning("broadcast to %s failed; clients catch up from the log", group)
