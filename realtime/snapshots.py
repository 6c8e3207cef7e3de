"""Snapshots of boards, rendered once per board, seq, audience and language and kept a
few seconds: a connect storm (everyone coming back after a restart) asks for the same
board many times at once, and rendering it is most of what a reconnection costs.

A board changes only with its seq, so a snapshot is never stale for its key; keeping it
only briefly bounds the memory."""

import threading
import time

from django.template.loader import render_to_string
from django.utils import translation

from workshops import queries

from . import protocol

KEEP_SECONDS = 5.0
_kept: dict[tuple, tuple[float, list[str]]] = {}
_lock = threading.Lock()


def frames(breakout, *, with_hidden: bool, language: str) -> list[str]:
    """The frames of the board's snapshot at its current seq, for this audience."""
    key = (breakout.pk, breakout.epoch, breakout.seq, with_hidden, language)
    now = time.monotonic()
    with _lock:
        kept = _kept.get(key)
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return kept[1]
    made = _render(breakout, with_hidden, language)
    with _lock:
        for old in [k for k, (at, _f) in _kept.items() if now - at >= KEEP_SECONDS]:
            del _kept[old]
        _kept[key] = (now, made)
    return made


def _render(breakout, with_hidden: bool, language: str) -> list[str]:
    with translation.override(language):
        context = queries.board_context(breakout, with_hidden=with_hidden)
        html = render_to_string("workshops/board.html#live", context)
    return protocol.frames(
        protocol.snapshot(breakout=breakout.pk, epoch=breakout.epoch, seq=breakout.seq, html=html)
    )
