"""Publish board events after commit, encoded once per interface language.

Only services call `publish_board_event` (through transaction.on_commit). The channel
layer is a messenger: when it fails, the event is still in the database and clients
catch up from the log on their next head beacon.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from . import groups, protocol

logger = logging.getLogger(__name__)

# The partial that renders the fragment of each event type that adds something visible.
FRAGMENTS = {
    "card.created": "workshops/board.html#card",
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


def encode_for_all_languages(event) -> dict[str, str]:
    return {code: protocol.encode(render_event(event, code)) for code, _name in settings.LANGUAGES}


def publish_board_event(event, workshop_id: int) -> None:
    message = {
        "type": "board.event",
        "breakout": event.breakout_id,
        "seq": event.seq,
        "texts": encode_for_all_languages(event),
    }
    send(groups.breakout(event.breakout_id), message)
    send(groups.facilitators(workshop_id), message)


def end_sessions(participant_ids: list[int]) -> None:
    """Close every open socket of these participants (removed, or their invite revoked)."""
    for participant_id in participant_ids:
        send(groups.participant(participant_id), {"type": "session.ended"})


def send(group: str, message: dict[str, Any]) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        logger.warning(
            "broadcast to %s failed; clients catch up from the log", group, exc_info=True
        )
