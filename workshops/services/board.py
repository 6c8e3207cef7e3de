"""The core of every write to a board, and who is acting.

A board write locks the breakout row, drops a repeat of (participant, op_id), checks
who acts (roles.py) and that the board is open, applies the change, bumps
breakout.seq and appends a BoardEvent, published after commit (publish.py).
"""

import hashlib
from dataclasses import dataclass
from uuid import UUID

import orjson
from django.utils.translation import gettext_lazy as _

from realtime import events
from workshops import roles
from workshops.errors import Conflict, Forbidden, NotFound
from workshops.models import BoardEvent, Breakout, Card, Cluster, Participant

from . import publish


@dataclass(frozen=True)
class Ack:
    op_id: UUID
    seq: int


def digest(**content) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def locked_breakout(breakout_id: int) -> Breakout:
    try:
        return Breakout.objects.select_for_update().get(pk=breakout_id)
    except Breakout.DoesNotExist:
        raise NotFound(_("This breakout does not exist.")) from None


def in_workshop(breakout: Breakout, workshop_id: int) -> Breakout:
    if breakout.workshop_id != workshop_id:
        raise NotFound(_("This breakout does not exist."))
    return breakout


def active_participant(participant_id: int, workshop_id: int) -> Participant:
    participant = (
        Participant.objects.active().filter(pk=participant_id, workshop_id=workshop_id).first()
    )
    if participant is None:
        raise Forbidden(_("You are not a participant of this workshop."))
    return participant


def acting(
    participant_id: int, workshop_id: int, action: str, breakout: Breakout | None = None
) -> Participant:
    """The active participant doing `action`, if the table of roles lets them."""
    actor = active_participant(participant_id, workshop_id)
    roles.require(actor, action, breakout)
    return actor


def _repeat(breakout: Breakout, actor: Participant, op_id: UUID, digest: str) -> Ack | None:
    """The ack of an op already applied, or None; the same op_id with other content is
    a conflict."""
    prior = BoardEvent.objects.filter(breakout=breakout, actor=actor, op_id=op_id).first()
    if prior is None:
        return None
    if prior.op_digest != digest:
        raise Conflict(_("This change was already sent with different content."))
    return Ack(op_id=op_id, seq=prior.seq)


def board_write(participant_id: int, breakout_id: int, op_id: UUID, digest: str, action: str):
    """Every write to a board starts here: lock the board, drop a repeat of the op,
    check the actor may do `action` there and that the board is open.
    Returns (breakout, actor, ack of the earlier write or None)."""
    breakout = locked_breakout(breakout_id)
    actor = active_participant(participant_id, breakout.workshop_id)
    repeat = _repeat(breakout, actor, op_id, digest)
    if repeat:
        return breakout, actor, repeat
    roles.require(actor, action, breakout)
    if breakout.phase == Breakout.Phase.CLOSED:
        raise Forbidden(_("This board is closed: it can be read, not changed."))
    return breakout, actor, None


def append_event(
    breakout: Breakout,
    type: str,
    payload: dict,
    *,
    actor: Participant | None = None,
    op_id: UUID | None = None,
    digest: str = "",
) -> BoardEvent:
    breakout.seq += 1
    breakout.save(update_fields=["seq"])
    event = BoardEvent.objects.create(
        breakout=breakout,
        seq=breakout.seq,
        type=type,
        payload=events.validated(type, payload),
        actor=actor,
        op_id=op_id,
        op_digest=digest,
    )
    publish.board_event(event, breakout.workshop_id)
    return event


def board_cards(breakout: Breakout, card_ids) -> list[Card]:
    cards = list(Card.objects.filter(breakout=breakout, pk__in=card_ids))
    if len(cards) != len(set(card_ids)) or not cards:
        raise NotFound(_("This card is not on this board."))
    return cards


def board_cluster(breakout: Breakout, cluster_id: int) -> Cluster:
    cluster = Cluster.objects.filter(breakout=breakout, pk=cluster_id).first()
    if cluster is None:
        raise NotFound(_("This cluster is not on this board."))
    return cluster
