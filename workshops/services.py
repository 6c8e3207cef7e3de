"""Every write: one function per action, each in one transaction.

A write to a board locks the breakout row, drops a repeat of (participant, op_id),
applies the change, bumps breakout.seq and appends a BoardEvent; the event is
published after commit (realtime.events), never before.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from uuid import UUID

import orjson
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realtime import events

from . import queries
from .models import (
    CARD_TEXT_MAX,
    DISPLAY_NAME_MAX,
    BoardEvent,
    Breakout,
    Card,
    Invite,
    Participant,
    Workshop,
)


class ServiceError(Exception):
    """A refused action: `message` is shown to the person who tried it."""

    code = "invalid"
    retryable = False

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Invalid(ServiceError):
    code = "invalid"


class Forbidden(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


@dataclass(frozen=True)
class Ack:
    op_id: UUID
    seq: int


def _digest(**content) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _locked_breakout(breakout_id: int) -> Breakout:
    try:
        return Breakout.objects.select_for_update().get(pk=breakout_id)
    except Breakout.DoesNotExist:
        raise NotFound(_("This breakout does not exist.")) from None


def _active_participant(participant_id: int, workshop_id: int) -> Participant:
    participant = (
        Participant.objects.active().filter(pk=participant_id, workshop_id=workshop_id).first()
    )
    if participant is None:
        raise Forbidden(_("You are not a participant of this workshop."))
    return participant


def _facilitator(participant_id: int, workshop_id: int) -> Participant:
    actor = _active_participant(participant_id, workshop_id)
    if not actor.is_facilitator:
        raise Forbidden(_("Only facilitators can do this."))
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


def _append_event(
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
        payload=payload,
        actor=actor,
        op_id=op_id,
        op_digest=digest,
    )
    transaction.on_commit(partial(events.publish_board_event, event, breakout.workshop_id))
    return event


def _clean_card_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(_("Write something before posting the card."))
    if len(text) > CARD_TEXT_MAX:
        raise Invalid(
            _("A card can have at most %(max)d characters; this one has %(count)d.")
            % {"max": CARD_TEXT_MAX, "count": len(text)}
        )
    return text


def card_create(
    *,
    participant_id: int,
    breakout_id: int,
    kind: str,
    text: str,
    op_id: UUID,
    anonymous: bool = False,
) -> Ack:
    if kind not in Card.Kind.values:
        raise Invalid(_("A card is either a practice or a difficulty."))
    text = _clean_card_text(text)
    digest = _digest(type="card.create", kind=kind, text=text, anonymous=anonymous)
    with transaction.atomic():
        breakout = _locked_breakout(breakout_id)
        actor = _active_participant(participant_id, breakout.workshop_id)
        if not actor.is_facilitator and actor.breakout_id != breakout.id:
            raise Forbidden(_("You can only post in your own breakout."))
        repeat = _repeat(breakout, actor, op_id, digest)
        if repeat:
            return repeat
        if anonymous and not breakout.workshop.allow_anonymous:
            raise Forbidden(_("Anonymous posting is not allowed in this workshop."))
        card = Card.objects.create(
            breakout=breakout, kind=kind, text=text, author=None if anonymous else actor
        )
        event = _append_event(
            breakout,
            "card.created",
            {"card": queries.card_view(card)},
            actor=actor,
            op_id=op_id,
            digest=digest,
        )
    return Ack(op_id=op_id, seq=event.seq)


# Joining ---------------------------------------------------------------------------


def invite_create(*, workshop: Workshop, label: str, expires_at: datetime | None = None) -> str:
    """Create an invite and return its token: the only time the token is known."""
    token = secrets.token_urlsafe(32)
    Invite.objects.create(
        workshop=workshop, label=label, token_hash=Invite.hash_token(token), expires_at=expires_at
    )
    return token


def invite_revoke(*, actor_id: int, invite_id: int) -> None:
    """Nobody can join with the invite any more, and whoever joined with it leaves."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(pk=invite_id).first()
        if invite is None:
            raise NotFound(_("This invitation does not exist."))
        _facilitator(actor_id, invite.workshop_id)
        if invite.revoked_at is not None:
            return
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        joined = list(invite.participant_set.values_list("pk", flat=True))
        transaction.on_commit(partial(events.end_sessions, joined))


def participant_remove(*, actor_id: int, participant_id: int) -> None:
    """Take someone out of the workshop: their open pages close at once."""
    with transaction.atomic():
        target = Participant.objects.select_for_update().filter(pk=participant_id).first()
        if target is None:
            raise NotFound(_("This person is not in the workshop."))
        _facilitator(actor_id, target.workshop_id)
        if target.pk == actor_id:
            raise Forbidden(_("You cannot remove yourself."))
        if target.removed_at is not None:
            return
        target.removed_at = timezone.now()
        target.save(update_fields=["removed_at"])
        transaction.on_commit(partial(events.end_sessions, [target.pk]))


def invite_for_token(token: str) -> Invite:
    invite = Invite.objects.filter(token_hash=Invite.hash_token(token)).first()
    if invite is None or not invite.is_usable():
        raise NotFound(_("This invitation link is not valid, or it has expired."))
    return invite


def participant_join(*, token: str, display_name: str, breakout_id: int | None) -> Participant:
    display_name = display_name.strip()
    if not display_name:
        raise Invalid(_("Enter the name others will see."))
    if len(display_name) > DISPLAY_NAME_MAX:
        raise Invalid(_("A name can have at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX})
    with transaction.atomic():
        invite = invite_for_token(token)
        breakout = None
        if breakout_id is not None:
            breakout = _locked_breakout(breakout_id)
            _check_can_enter(breakout, invite.workshop_id)
        return Participant.objects.create(
            workshop_id=invite.workshop_id,
            invite=invite,
            display_name=display_name,
            breakout=breakout,
        )


def breakout_choose(*, participant_id: int, breakout_id: int) -> Participant:
    """A participant without a breakout picks an open one."""
    with transaction.atomic():
        breakout = _locked_breakout(breakout_id)
        participant = _active_participant(participant_id, breakout.workshop_id)
        if participant.breakout_id == breakout.id:
            return participant
        if participant.breakout_id is not None:
            raise Forbidden(_("You are already in a breakout."))
        _check_can_enter(breakout, participant.workshop_id)
        participant.breakout = breakout
        participant.save(update_fields=["breakout"])
        return participant


def _check_can_enter(breakout: Breakout, workshop_id: int) -> None:
    if breakout.workshop_id != workshop_id:
        raise NotFound(_("This breakout does not exist."))
    if not breakout.is_open:
        raise Forbidden(_("This breakout is closed."))
    if breakout.capacity is not None and breakout.members.active().count() >= breakout.capacity:
        raise Forbidden(_("This breakout is full."))
