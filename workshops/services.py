"""Every write: one function per action, each in one transaction.

A write to a board locks the breakout row, drops a repeat of (participant, op_id),
applies the change, bumps breakout.seq and appends a BoardEvent; the event is
published after commit (realtime.events), never before.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

import orjson
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realtime import events

from . import clustering, queries
from .models import (
    CARD_TEXT_MAX,
    DISPLAY_NAME_MAX,
    AgendaSegment,
    BoardEvent,
    Breakout,
    Card,
    Challenge,
    Cluster,
    HelpRequest,
    Invite,
    Message,
    Participant,
    Presence,
    Recommendation,
    Registration,
    Suggestion,
    Vote,
    Workshop,
)


class ServiceError(Exception):
    """A refused action: `message` is shown to the person who tried it."""

    code = "invalid"
    retryable = False
    data = None

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


def _lead(participant_id: int, workshop_id: int) -> Participant:
    actor = _facilitator(participant_id, workshop_id)
    if not actor.is_lead:
        raise Forbidden(_("Only the lead facilitator can do this."))
    return actor


def _steerer(participant_id: int, breakout: Breakout) -> Participant:
    """The lead, or a host of this breakout: who may steer it."""
    actor = _facilitator(participant_id, breakout.workshop_id)
    if queries.can_steer(actor, breakout):
        return actor
    raise Forbidden(_("Only the lead facilitator or this breakout’s host can do this."))


def _repeat(breakout: Breakout, actor: Participant, op_id: UUID, digest: str) -> Ack | None:
    """The ack of an op already applied, or None; the same op_id with other content is
    a conflict."""
    prior = BoardEvent.objects.filter(breakout=breakout, actor=actor, op_id=op_id).first()
    if prior is None:
        return None
    if prior.op_digest != digest:
        raise Conflict(_("This change was already sent with different content."))
    return Ack(op_id=op_id, seq=prior.seq)


def _board_write(
    participant_id: int, breakout_id: int, op_id: UUID, digest: str, allowed, refusal=None
):
    """Every write to a board starts here: lock the board, drop a repeat of the op,
    check who acts (`allowed`) and that the board is open.
    Returns (breakout, actor, ack of the earlier write or None)."""
    breakout = _locked_breakout(breakout_id)
    actor = _active_participant(participant_id, breakout.workshop_id)
    repeat = _repeat(breakout, actor, op_id, digest)
    if repeat:
        return breakout, actor, repeat
    if not allowed(actor, breakout):
        raise Forbidden(refusal or _("You cannot do this on this board."))
    if breakout.phase == Breakout.Phase.CLOSED:
        raise Forbidden(_("This board is closed: it can be read, not changed."))
    return breakout, actor, None


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
        breakout, actor, repeat = _board_write(
            participant_id,
            breakout_id,
            op_id,
            digest,
            lambda p, b: p.is_facilitator or p.breakout_id == b.pk,
            _("You can only post in your own breakout."),
        )
        if repeat:
            return repeat
        if breakout.phase != Breakout.Phase.COLLECT and not actor.is_facilitator:
            raise Forbidden(_("Posting is closed in this phase of the board."))
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


def invite_link_create(
    *, actor_id: int, workshop_id: int, label: str, expires_at: datetime | None = None
) -> str:
    """A shared link anyone may join with, made by the lead."""
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        workshop = Workshop.objects.get(pk=workshop_id)
        return invite_create(workshop=workshop, label=label, expires_at=expires_at)


def invite_revoke(*, actor_id: int, invite_id: int) -> None:
    """Nobody can join with the invite any more, and whoever joined with it leaves."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(pk=invite_id).first()
        if invite is None:
            raise NotFound(_("This invitation does not exist."))
        _lead(actor_id, invite.workshop_id)
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


def participant_join(
    *,
    token: str,
    display_name: str,
    breakout_id: int | None = None,
    preferred_challenge_id: int | None = None,
    language: str = "",
) -> Participant:
    """Join with an invitation. A personal invitation brings back the person who joined
    with it before; its breakout, if the facilitator set one, wins over a choice."""
    display_name = display_name.strip()
    if not display_name:
        raise Invalid(_("Enter the name others will see."))
    if len(display_name) > DISPLAY_NAME_MAX:
        raise Invalid(_("A name can have at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX})
    with transaction.atomic():
        invite = invite_for_token(token)
        if invite.personal:
            earlier = invite.participant_set.active().first()
            if earlier is not None:
                return earlier
            breakout_id = invite.breakout_id or breakout_id
        breakout = None
        if breakout_id is not None:
            breakout = _locked_breakout(breakout_id)
            _check_can_enter(breakout, invite.workshop_id)
        if (
            preferred_challenge_id is not None
            and not Challenge.objects.filter(
                pk=preferred_challenge_id, workshop_id=invite.workshop_id
            ).exists()
        ):
            raise NotFound(_("This challenge does not exist."))
        participant = Participant.objects.create(
            workshop_id=invite.workshop_id,
            invite=invite,
            display_name=display_name,
            email=invite.email,
            language=language or invite.language,
            preferred_challenge_id=preferred_challenge_id,
            breakout=breakout,
        )
        if breakout is not None:
            transaction.on_commit(partial(events.control_changed, invite.workshop_id, breakout.pk))
        return participant


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


def _check_can_enter(breakout: Breakout, workshop_id: int, moving=None) -> None:
    if breakout.workshop_id != workshop_id:
        raise NotFound(_("This breakout does not exist."))
    if breakout.phase == Breakout.Phase.CLOSED:
        raise Forbidden(_("This breakout is closed."))
    others = breakout.members.active().exclude(pk=getattr(moving, "pk", None))
    if breakout.capacity is not None and others.count() >= breakout.capacity:
        raise Forbidden(_("This breakout is full."))


# Steering breakouts -----------------------------------------------------------------


def _steered_breakouts(
    actor_id: int, workshop_id: int, breakout_id: int | None
) -> tuple[Participant, list[Breakout]]:
    """One breakout (its lead or host may steer it) or all of them (the lead only),
    locked in a fixed order."""
    if breakout_id is not None:
        breakout = _locked_breakout(breakout_id)
        if breakout.workshop_id != workshop_id:
            raise NotFound(_("This breakout does not exist."))
        return _steerer(actor_id, breakout), [breakout]
    actor = _lead(actor_id, workshop_id)
    return actor, list(Breakout.objects.select_for_update().filter(workshop_id=workshop_id))


def breakouts_set_phase(
    *, actor_id: int, workshop_id: int, phase: str, breakout_id: int | None = None
) -> None:
    if phase not in Breakout.Phase.values:
        raise Invalid(_("Unknown phase."))
    with transaction.atomic():
        actor, breakouts = _steered_breakouts(actor_id, workshop_id, breakout_id)
        for breakout in breakouts:
            if breakout.phase != phase:
                breakout.phase = phase
                breakout.save(update_fields=["phase"])
                _append_event(breakout, "phase.changed", {"phase": phase}, actor=actor)


TIMER_MAX_MINUTES = 600


def timer_command(
    *,
    actor_id: int,
    workshop_id: int,
    command: str,
    minutes: int = 0,
    action: str = "",
    breakout_id: int | None = None,
) -> None:
    """start, pause, resume, extend or stop the timer of one breakout or of all."""
    if command not in TIMER_COMMANDS:
        raise Invalid(_("Unknown timer command."))
    if command in ("start", "extend") and not 1 <= minutes <= TIMER_MAX_MINUTES:
        raise Invalid(
            _("Give a number of minutes between 1 and %(max)d.") % {"max": TIMER_MAX_MINUTES}
        )
    if action not in Breakout.TimerAction.values:
        raise Invalid(_("Unknown action for the end of the timer."))
    now = timezone.now()
    with transaction.atomic():
        actor, breakouts = _steered_breakouts(actor_id, workshop_id, breakout_id)
        for breakout in breakouts:
            if TIMER_COMMANDS[command](breakout, now, timedelta(minutes=minutes), action):
                breakout.save(update_fields=TIMER_FIELDS)
                _append_event(breakout, "timer.changed", queries.timer_view(breakout), actor=actor)


TIMER_FIELDS = ["timer_ends_at", "timer_paused_seconds", "timer_action"]


def _timer_start(breakout, now, length, action) -> bool:
    breakout.timer_ends_at = now + length
    breakout.timer_paused_seconds = None
    breakout.timer_action = action
    return True


def _timer_pause(breakout, now, length, action) -> bool:
    if breakout.timer_ends_at is None:
        return False
    left = max(0, int((breakout.timer_ends_at - now).total_seconds()))
    breakout.timer_ends_at, breakout.timer_paused_seconds = None, left
    return True


def _timer_resume(breakout, now, length, action) -> bool:
    if breakout.timer_paused_seconds is None:
        return False
    breakout.timer_ends_at = now + timedelta(seconds=breakout.timer_paused_seconds)
    breakout.timer_paused_seconds = None
    return True


def _timer_extend(breakout, now, length, action) -> bool:
    if breakout.timer_ends_at is not None:
        breakout.timer_ends_at = max(breakout.timer_ends_at, now) + length
        return True
    if breakout.timer_paused_seconds is not None:
        breakout.timer_paused_seconds += int(length.total_seconds())
        return True
    return False


def _timer_stop(breakout, now, length, action) -> bool:
    if breakout.timer_ends_at is None and breakout.timer_paused_seconds is None:
        return False
    breakout.timer_ends_at = breakout.timer_paused_seconds = None
    breakout.timer_action = Breakout.TimerAction.NONE
    return True


TIMER_COMMANDS = {
    "start": _timer_start,
    "pause": _timer_pause,
    "resume": _timer_resume,
    "extend": _timer_extend,
    "stop": _timer_stop,
}


def timers_expire() -> None:
    """Carry out the end action of every timer that has run out. Any process may call
    it; each action happens once (the row is locked and the action cleared)."""
    plenary = set()
    with transaction.atomic():
        due = (
            Breakout.objects.select_for_update(skip_locked=True)
            .filter(timer_ends_at__lte=timezone.now())
            .exclude(timer_action=Breakout.TimerAction.NONE)
        )
        for breakout in due:
            action, breakout.timer_action = breakout.timer_action, Breakout.TimerAction.NONE
            if action == Breakout.TimerAction.CLOSE:
                breakout.phase = Breakout.Phase.CLOSED
                _append_event(breakout, "phase.changed", {"phase": breakout.phase})
            else:
                plenary.add(breakout.workshop_id)
            breakout.save(update_fields=["timer_action", "phase"])
        for workshop in Workshop.objects.select_for_update().filter(pk__in=plenary):
            _set_mode(workshop, Workshop.Mode.PLENARY)


# Where people are -----------------------------------------------------------------


def workshop_set_mode(*, actor_id: int, workshop_id: int, mode: str) -> None:
    """Everyone to the plenary page, or everyone back to their breakout; boards stay."""
    if mode not in Workshop.Mode.values:
        raise Invalid(_("Unknown mode."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        _lead(actor_id, workshop.pk)
        _set_mode(workshop, mode)


def _set_mode(workshop: Workshop, mode: str) -> None:
    if workshop.mode != mode:
        workshop.mode = mode
        workshop.save(update_fields=["mode"])
        transaction.on_commit(partial(events.send_everyone_to_their_place, workshop.pk))


def _locked_participant(participant_id: int) -> Participant:
    target = (
        Participant.objects.select_for_update()
        .filter(pk=participant_id, role=Participant.Role.PARTICIPANT)
        .first()
    )
    if target is None or target.removed_at is not None:
        raise NotFound(_("This person is not in the workshop."))
    return target


def participant_move(*, actor_id: int, participant_id: int, breakout_id: int | None) -> None:
    """Move one person to another breakout (or out of every breakout); their page
    follows at once."""
    with transaction.atomic():
        target = _locked_participant(participant_id)
        destination = _locked_breakout(breakout_id) if breakout_id is not None else None
        _check_may_move(actor_id, target, destination)
        if destination is not None:
            _check_can_enter(destination, target.workshop_id, moving=target)
        _place(target, destination)


def _check_may_move(actor_id: int, target: Participant, destination: Breakout | None) -> None:
    """The lead moves anyone; a host moves people between breakouts they host."""
    actor = _facilitator(actor_id, target.workshop_id)
    if actor.is_lead:
        return
    for breakout in (target.breakout, destination):
        if breakout is None or not queries.can_steer(actor, breakout):
            raise Forbidden(_("Only the lead facilitator or this breakout’s host can do this."))


def _place(target: Participant, destination: Breakout | None) -> None:
    source_id = target.breakout_id
    if source_id == getattr(destination, "pk", None):
        return
    target.breakout = destination
    target.save(update_fields=["breakout"])
    transaction.on_commit(partial(events.participant_moved, target.pk))
    for breakout_id in {source_id, getattr(destination, "pk", None)} - {None}:
        transaction.on_commit(partial(events.control_changed, target.workshop_id, breakout_id))


def participants_swap(*, actor_id: int, first_id: int, second_id: int) -> None:
    if first_id == second_id:
        raise Invalid(_("Choose two different people."))
    with transaction.atomic():
        first, second = (_locked_participant(pk) for pk in sorted((first_id, second_id)))
        if first.workshop_id != second.workshop_id:
            raise NotFound(_("This person is not in the workshop."))
        for person, destination in ((first, second.breakout), (second, first.breakout)):
            _check_may_move(actor_id, person, destination)
            if destination is not None and destination.phase == Breakout.Phase.CLOSED:
                raise Forbidden(_("This breakout is closed."))
        first_room, second_room = first.breakout, second.breakout
        _place(first, second_room)
        _place(second, first_room)


def participants_spread(*, actor_id: int, workshop_id: int, by: str = "") -> int:
    """Place everyone without a breakout, evenly; `by` keeps people together by their
    preferred challenge or their language where there is room. Returns how many."""
    if by not in ("", "preference", "language"):
        raise Invalid(_("Unknown way of spreading people."))
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        rooms = list(Breakout.objects.select_for_update().open().filter(workshop_id=workshop_id))
        if not rooms:
            raise Forbidden(_("There is no open breakout."))
        members = {room.pk: list(room.members.active()) for room in rooms}
        waiting = (
            Participant.objects.active()
            .select_for_update(of=("self",))
            .filter(workshop_id=workshop_id, role=Participant.Role.PARTICIPANT, breakout=None)
            .order_by("joined_at", "pk")
        )
        placed = 0
        for person in waiting:
            room = _best_room(person, rooms, members, by)
            if room is None:
                break
            members[room.pk].append(person)
            _place(person, room)
            placed += 1
        return placed


def _best_room(person, rooms, members, by):
    free = [r for r in rooms if r.capacity is None or len(members[r.pk]) < r.capacity]
    if by == "preference" and person.preferred_challenge_id:
        free = [r for r in free if r.challenge_id == person.preferred_challenge_id] or free
    if by == "language" and person.language:

        def speakers(room):
            return -sum(1 for m in members[room.pk] if m.language == person.language)

        return min(free, key=lambda r: (speakers(r), len(members[r.pk]), r.position), default=None)
    return min(free, key=lambda r: (len(members[r.pk]), r.position), default=None)


# Messages and help ----------------------------------------------------------------

MESSAGE_MAX = 1000


def message_send(
    *, actor_id: int, workshop_id: int, text: str, breakout_id: int | None = None
) -> Message:
    """A message to every breakout (and the plenary page) or to one breakout."""
    text = text.strip()
    if not text or len(text) > MESSAGE_MAX:
        raise Invalid(_("A message has 1 to %(max)d characters.") % {"max": MESSAGE_MAX})
    with transaction.atomic():
        actor, breakouts = _steered_breakouts(actor_id, workshop_id, breakout_id)
        message = Message.objects.create(
            workshop_id=workshop_id, breakout_id=breakout_id, author=actor, text=text
        )
        payload = {"message": queries.message_view(message)}
        for breakout in breakouts:
            _append_event(breakout, "message.posted", payload, actor=actor)
        if breakout_id is None:
            transaction.on_commit(partial(events.plenary_message, workshop_id, payload))
    return message


def help_request(*, participant_id: int, workshop_id: int, kind: str, note: str = "") -> None:
    """Raise a hand or ask for help; it stays in the control room until handled."""
    if kind not in HelpRequest.Kind.values:
        raise Invalid(_("Unknown kind of request."))
    with transaction.atomic():
        person = _active_participant(participant_id, workshop_id)
        open_requests = HelpRequest.objects.filter(participant=person, handled_at=None)
        if open_requests.filter(kind=kind).exists():
            return
        HelpRequest.objects.create(
            participant=person, breakout_id=person.breakout_id, kind=kind, note=note.strip()[:300]
        )
        transaction.on_commit(partial(events.control_changed, workshop_id, person.breakout_id))


def help_withdraw(*, participant_id: int, workshop_id: int) -> None:
    with transaction.atomic():
        person = _active_participant(participant_id, workshop_id)
        HelpRequest.objects.filter(participant=person, handled_at=None).update(
            handled_at=timezone.now()
        )
        transaction.on_commit(partial(events.control_changed, workshop_id, person.breakout_id))


def help_handle(*, actor_id: int, request_id: int) -> None:
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound(_("This request does not exist."))
        workshop_id = request.participant.workshop_id
        if request.breakout is not None:
            _steerer(actor_id, request.breakout)
        else:
            _lead(actor_id, workshop_id)
        if request.handled_at is None:
            request.handled_at = timezone.now()
            request.save(update_fields=["handled_at"])
            transaction.on_commit(partial(events.help_handled, request.participant_id))
            transaction.on_commit(partial(events.control_changed, workshop_id, request.breakout_id))


# Moderation -----------------------------------------------------------------------


def card_set_hidden(
    *, participant_id: int, breakout_id: int, card_id: int, hidden: bool, op_id: UUID
) -> Ack:
    """Hide a card from participants (kept for the record), or show it again."""
    name = "card.hidden" if hidden else "card.restored"
    digest = _digest(type=name, card_id=card_id)
    with transaction.atomic():
        breakout, actor, repeat = _board_write(
            participant_id,
            breakout_id,
            op_id,
            digest,
            queries.can_steer,
            _("Only the lead facilitator or this breakout’s host can do this."),
        )
        if repeat:
            return repeat
        card = Card.objects.filter(pk=card_id, breakout=breakout).first()
        if card is None:
            raise NotFound(_("This card is not on this board."))
        card.hidden_at = timezone.now() if hidden else None
        card.save(update_fields=["hidden_at"])
        payload = {"card": queries.card_view(card)}
        event = _append_event(breakout, name, payload, actor=actor, op_id=op_id, digest=digest)
    return Ack(op_id=op_id, seq=event.seq)


def workshop_set_anonymous(*, actor_id: int, workshop_id: int, allowed: bool) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        actor = _lead(actor_id, workshop.pk)
        if workshop.allow_anonymous == allowed:
            return
        workshop.allow_anonymous = allowed
        workshop.save(update_fields=["allow_anonymous"])
        for breakout in Breakout.objects.select_for_update().filter(workshop=workshop):
            _append_event(breakout, "settings.changed", {"allow_anonymous": allowed}, actor=actor)


# Presence: open sockets, not part of any board's log ---------------------------------


def presence_enter(*, channel_name: str, participant_id: int, breakout_id: int | None) -> None:
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "participant_id": participant_id,
            "breakout_id": breakout_id,
            "seen_at": timezone.now(),
        },
    )


def presence_leave(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def presence_touch(*, channel_names: list[str]) -> None:
    Presence.objects.filter(channel_name__in=channel_names).update(seen_at=timezone.now())


# Registration for registration-only segments ------------------------------------------


def registration_set(*, participant_id: int, segment_id: int, registered: bool) -> None:
    with transaction.atomic():
        segment = AgendaSegment.objects.filter(pk=segment_id, registration_required=True).first()
        if segment is None:
            raise NotFound(_("This part of the agenda takes no registration."))
        person = _active_participant(participant_id, segment.workshop_id)
        if registered:
            Registration.objects.get_or_create(participant=person, segment=segment)
        else:
            Registration.objects.filter(participant=person, segment=segment).delete()


# Personal invitations -------------------------------------------------------------------


def invites_create_personal(
    *, actor_id: int, workshop_id: int, people: list[dict]
) -> list[tuple[dict, str]]:
    """One personal invitation per person (name, email, breakout, language); returns
    each person with their token, the only time it is known."""
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        created = []
        for person in people:
            token = secrets.token_urlsafe(32)
            breakout = person.get("breakout")
            if breakout is not None and breakout.workshop_id != workshop_id:
                raise NotFound(_("This breakout does not exist."))
            Invite.objects.create(
                workshop_id=workshop_id,
                label=person["name"],
                email=person["email"],
                breakout=breakout,
                language=person.get("language", ""),
                personal=True,
                token_hash=Invite.hash_token(token),
            )
            created.append((person, token))
        return created


# The facilitation team -------------------------------------------------------------------


def team_add(*, actor_id: int, workshop_id: int, username: str, team_role: str) -> Participant:
    """Give someone with an account a role in the team of this workshop."""
    if team_role not in Participant.Team.values:
        raise Invalid(_("Unknown role."))
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        users = get_user_model().objects.filter(is_active=True)
        user = (users.filter(username=username) or users.filter(email__iexact=username)).first()
        if user is None:
            raise NotFound(_("No account has this username or email."))
        member, created = Participant.objects.get_or_create(
            workshop_id=workshop_id,
            user=user,
            defaults={
                "display_name": user.get_full_name() or user.get_username(),
                "role": Participant.Role.FACILITATOR,
                "team_role": team_role,
            },
        )
        if not created:
            member.role, member.team_role, member.removed_at = (
                Participant.Role.FACILITATOR,
                team_role,
                None,
            )
            member.save(update_fields=["role", "team_role", "removed_at"])
        return member


def team_update(*, actor_id: int, member_id: int, team_role: str, hosted: list[Breakout]) -> None:
    if team_role not in Participant.Team.values:
        raise Invalid(_("Unknown role."))
    with transaction.atomic():
        member = (
            Participant.objects.select_for_update()
            .filter(pk=member_id, role=Participant.Role.FACILITATOR)
            .first()
        )
        if member is None:
            raise NotFound(_("This person is not in the team."))
        _lead(actor_id, member.workshop_id)
        if member.pk == actor_id and team_role != Participant.Team.LEAD:
            raise Forbidden(_("Another lead must change your own role."))
        if any(b.workshop_id != member.workshop_id for b in hosted):
            raise NotFound(_("This breakout does not exist."))
        member.team_role = team_role
        member.save(update_fields=["team_role"])
        member.hosted_breakouts.set(hosted)


# Preparing a workshop ----------------------------------------------------------------------


def workshop_create(*, user, **fields) -> Workshop:
    """A new workshop, led by the person who creates it."""
    with transaction.atomic():
        workshop = Workshop.objects.create(**fields)
        Participant.objects.create(
            workshop=workshop,
            user=user,
            display_name=user.get_full_name() or user.get_username(),
            role=Participant.Role.FACILITATOR,
            team_role=Participant.Team.LEAD,
        )
        return workshop


def workshop_update(*, actor_id: int, workshop_id: int, **fields) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        _lead(actor_id, workshop.pk)
        anonymous = fields.pop("allow_anonymous", workshop.allow_anonymous)
        for name, value in fields.items():
            setattr(workshop, name, value)
        workshop.save()
        workshop_set_anonymous(actor_id=actor_id, workshop_id=workshop_id, allowed=anonymous)


def segment_save(*, actor_id: int, workshop_id: int, segment_id: int | None = None, **fields):
    """Add or change an agenda segment; segments may not overlap."""
    if fields["duration_minutes"] < 1:
        raise Invalid(_("A segment lasts at least one minute."))
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop_id)
        _lead(actor_id, workshop_id)
        segment = AgendaSegment(workshop_id=workshop_id)
        if segment_id is not None:
            segment = _segment(workshop_id, segment_id)
        for name, value in fields.items():
            setattr(segment, name, value)
        for other in AgendaSegment.objects.filter(workshop_id=workshop_id).exclude(pk=segment.pk):
            if segment.starts_at < other.ends_at and other.starts_at < segment.ends_at:
                raise Invalid(_("This segment overlaps “%(title)s”.") % {"title": other.title})
        segment.save()
        return segment


def _segment(workshop_id: int, segment_id: int) -> AgendaSegment:
    segment = AgendaSegment.objects.filter(pk=segment_id, workshop_id=workshop_id).first()
    if segment is None:
        raise NotFound(_("This segment does not exist."))
    return segment


def segment_delete(*, actor_id: int, workshop_id: int, segment_id: int) -> None:
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        _segment(workshop_id, segment_id).delete()


def challenge_save(*, actor_id: int, workshop_id: int, challenge_id: int | None = None, **fields):
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop_id)
        _lead(actor_id, workshop_id)
        if challenge_id is None:
            last = Challenge.objects.filter(workshop_id=workshop_id).aggregate(n=Max("position"))
            challenge = Challenge(workshop_id=workshop_id, position=(last["n"] or 0) + 1)
        else:
            challenge = _challenge(workshop_id, challenge_id)
        for name, value in fields.items():
            setattr(challenge, name, value)
        challenge.save()
        return challenge


def _challenge(workshop_id: int, challenge_id: int) -> Challenge:
    challenge = Challenge.objects.filter(pk=challenge_id, workshop_id=workshop_id).first()
    if challenge is None:
        raise NotFound(_("This challenge does not exist."))
    return challenge


def challenge_delete(*, actor_id: int, workshop_id: int, challenge_id: int) -> None:
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        challenge = _challenge(workshop_id, challenge_id)
        if Card.objects.filter(breakout__challenge=challenge).exists():
            raise Forbidden(_("Its breakouts already have cards: it is kept for the record."))
        challenge.delete()


def breakout_save(*, actor_id: int, workshop_id: int, breakout_id: int | None = None, **fields):
    challenge = fields["challenge"]
    if challenge.workshop_id != workshop_id:
        raise NotFound(_("This challenge does not exist."))
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop_id)
        _lead(actor_id, workshop_id)
        if breakout_id is None:
            last = Breakout.objects.filter(workshop_id=workshop_id).aggregate(n=Max("position"))
            breakout = Breakout(workshop_id=workshop_id, position=(last["n"] or 0) + 1)
        else:
            breakout = _locked_breakout(breakout_id)
            if breakout.workshop_id != workshop_id:
                raise NotFound(_("This breakout does not exist."))
        for name, value in fields.items():
            setattr(breakout, name, value)
        breakout.save()
        return breakout


def breakout_delete(*, actor_id: int, workshop_id: int, breakout_id: int) -> None:
    with transaction.atomic():
        _lead(actor_id, workshop_id)
        breakout = _locked_breakout(breakout_id)
        if breakout.workshop_id != workshop_id:
            raise NotFound(_("This breakout does not exist."))
        if breakout.cards.exists() or breakout.members.active().exists():
            raise Forbidden(_("This breakout has people or cards: close it instead."))
        breakout.delete()


def workshop_duplicate(*, actor_id: int, workshop_id: int, title: str, starts_at) -> Workshop:
    """A new workshop from this one as a template: details, agenda (moved to the new
    date), challenges and breakouts; no people, cards or invitations."""
    with transaction.atomic():
        actor = _facilitator(actor_id, workshop_id)
        source = Workshop.objects.get(pk=workshop_id)
        shift = starts_at - source.starts_at
        copy = workshop_create(
            user=actor.user,
            title=title,
            background=source.background,
            timezone=source.timezone,
            starts_at=starts_at,
            ends_at=source.ends_at + shift,
            allow_anonymous=source.allow_anonymous,
        )
        for segment in source.segments.all():
            segment.pk, segment.workshop = None, copy
            segment.starts_at += shift
            segment.save()
        challenges = {}
        for challenge in source.challenges.all():
            old_pk = challenge.pk
            challenge.pk, challenge.workshop = None, copy
            challenge.save()
            challenges[old_pk] = challenge
        for breakout in source.breakouts.all():
            Breakout.objects.create(
                workshop=copy,
                challenge=challenges[breakout.challenge_id],
                name=breakout.name,
                position=breakout.position,
                capacity=breakout.capacity,
            )
        return copy


# Clustering -------------------------------------------------------------------------------

CLUSTER_TITLE_MAX = 200


def _layout_change(participant_id, breakout_id, op_id, content: dict, change) -> Ack:
    """Every change of clusters: apply `change(breakout)`, drop clusters left empty,
    number the rest, and log the whole layout (a few ids per card, so small)."""
    digest = _digest(**content)
    with transaction.atomic():
        breakout, actor, repeat = _board_write(
            participant_id, breakout_id, op_id, digest, queries.can_cluster
        )
        if repeat:
            return repeat
        change(breakout)
        _tidy_clusters(breakout)
        event = _append_event(
            breakout,
            "layout.changed",
            queries.layout_view(breakout),
            actor=actor,
            op_id=op_id,
            digest=digest,
        )
    return Ack(op_id=op_id, seq=event.seq)


def _tidy_clusters(breakout: Breakout) -> None:
    breakout.clusters.filter(cards__isnull=True).delete()
    for position, cluster in enumerate(breakout.clusters.order_by("position", "pk"), start=1):
        if cluster.position != position:
            cluster.position = position
            cluster.save(update_fields=["position"])


def _board_cards(breakout: Breakout, card_ids) -> list[Card]:
    cards = list(Card.objects.filter(breakout=breakout, pk__in=card_ids))
    if len(cards) != len(set(card_ids)) or not cards:
        raise NotFound(_("This card is not on this board."))
    return cards


def _board_cluster(breakout: Breakout, cluster_id: int) -> Cluster:
    cluster = Cluster.objects.filter(breakout=breakout, pk=cluster_id).first()
    if cluster is None:
        raise NotFound(_("This cluster is not on this board."))
    return cluster


def _clean_title(title: str) -> str:
    title = title.strip()
    if len(title) > CLUSTER_TITLE_MAX:
        raise Invalid(_("A title has at most %(max)d characters.") % {"max": CLUSTER_TITLE_MAX})
    return title


def cluster_create(
    *, participant_id: int, breakout_id: int, card_ids: list[int], op_id: UUID, title: str = ""
) -> Ack:
    """A new cluster, last on the board, holding these cards (taken from wherever
    they were): also how a cluster is split."""
    title = _clean_title(title)

    def change(breakout):
        cards = _board_cards(breakout, card_ids)
        last = breakout.clusters.aggregate(n=Max("position"))["n"] or 0
        cluster = Cluster.objects.create(breakout=breakout, title=title, position=last + 1)
        Card.objects.filter(pk__in=[c.pk for c in cards]).update(cluster=cluster)

    content = {"type": "cluster.create", "card_ids": sorted(card_ids), "title": title}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def card_move(
    *, participant_id: int, breakout_id: int, card_id: int, cluster_id: int | None, op_id: UUID
) -> Ack:
    """Put a card in a cluster, or (cluster_id None) back in its column."""

    def change(breakout):
        (card,) = _board_cards(breakout, [card_id])
        card.cluster = _board_cluster(breakout, cluster_id) if cluster_id is not None else None
        card.save(update_fields=["cluster"])

    content = {"type": "card.move", "card_id": card_id, "cluster_id": cluster_id}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_rename(
    *, participant_id: int, breakout_id: int, cluster_id: int, title: str, op_id: UUID
) -> Ack:
    title = _clean_title(title)

    def change(breakout):
        cluster = _board_cluster(breakout, cluster_id)
        cluster.title = title
        cluster.save(update_fields=["title"])

    content = {"type": "cluster.rename", "cluster_id": cluster_id, "title": title}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_reorder(
    *, participant_id: int, breakout_id: int, cluster_id: int, position: int, op_id: UUID
) -> Ack:
    """Move a cluster to `position` (1 is first) among the board's clusters."""

    def change(breakout):
        cluster = _board_cluster(breakout, cluster_id)
        others = [c for c in breakout.clusters.order_by("position", "pk") if c.pk != cluster.pk]
        others.insert(max(0, min(position - 1, len(others))), cluster)
        for number, each in enumerate(others, start=1):
            each.position = number
            each.save(update_fields=["position"])

    content = {"type": "cluster.reorder", "cluster_id": cluster_id, "position": position}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_merge(
    *, participant_id: int, breakout_id: int, cluster_id: int, into_id: int, op_id: UUID
) -> Ack:
    """Move every card of one cluster into another; the emptied cluster goes. The
    title and key points of the one merged into stay."""
    if cluster_id == into_id:
        raise Invalid(_("Choose another cluster to merge into."))

    def change(breakout):
        source = _board_cluster(breakout, cluster_id)
        target = _board_cluster(breakout, into_id)
        source.cards.update(cluster=target)

    content = {"type": "cluster.merge", "cluster_id": cluster_id, "into_id": into_id}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def board_settings(
    *,
    actor_id: int,
    breakout_id: int,
    participants_cluster: bool | None = None,
    vote_budget: int | None = None,
    votes_visible: bool | None = None,
) -> None:
    """Who may cluster, and how votes work; those who steer the board decide."""
    if vote_budget is not None and not 0 <= vote_budget <= VOTE_BUDGET_MAX:
        raise Invalid(_("Give each person 0 to %(max)d votes.") % {"max": VOTE_BUDGET_MAX})
    with transaction.atomic():
        breakout = _locked_breakout(breakout_id)
        actor = _steerer(actor_id, breakout)
        if (
            participants_cluster is not None
            and participants_cluster != breakout.participants_cluster
        ):
            breakout.participants_cluster = participants_cluster
            breakout.save(update_fields=["participants_cluster"])
            payload = {"participants_cluster": participants_cluster}
            _append_event(breakout, "settings.changed", payload, actor=actor)
        votes = {"vote_budget": vote_budget, "votes_visible": votes_visible}
        votes = {k: v for k, v in votes.items() if v is not None and getattr(breakout, k) != v}
        if votes:
            for name, value in votes.items():
                setattr(breakout, name, value)
            breakout.save(update_fields=list(votes))
            _append_event(breakout, "votes.changed", queries.votes_view(breakout), actor=actor)


# Voting -----------------------------------------------------------------------------------

VOTE_BUDGET_MAX = 50


def vote(
    *, participant_id: int, breakout_id: int, target: str, target_id: int, add: bool, op_id: UUID
) -> Ack:
    """Put one dot on a card or cluster, or take one back. The breakout row lock makes
    the budget hold against fast clicks and several tabs."""
    if target not in ("card", "cluster"):
        raise Invalid(_("Vote on a card or a cluster."))
    digest = _digest(type="vote", target=target, target_id=target_id, add=add)
    with transaction.atomic():
        breakout, actor, repeat = _board_write(
            participant_id, breakout_id, op_id, digest, lambda p, b: p.breakout_id == b.pk
        )
        if repeat:
            return repeat
        if breakout.phase != Breakout.Phase.VOTE:
            raise Forbidden(_("Voting is not open on this board."))
        where = {target: _vote_target(breakout, target, target_id)}
        mine = Vote.objects.filter(breakout=breakout, voter=actor)
        if add:
            if mine.count() >= breakout.vote_budget:
                raise Forbidden(
                    _("You have used all your %(n)d votes.") % {"n": breakout.vote_budget}
                )
            Vote.objects.create(breakout=breakout, voter=actor, **where)
        else:
            dot = mine.filter(**where).first()
            if dot is None:
                raise Invalid(_("You have no vote there to take back."))
            dot.delete()
        event = _append_event(
            breakout,
            "votes.changed",
            queries.votes_view(breakout),
            actor=actor,
            op_id=op_id,
            digest=digest,
        )
    return Ack(op_id=op_id, seq=event.seq)


def _vote_target(breakout: Breakout, target: str, target_id: int):
    if target == "card":
        (card,) = _board_cards(breakout, [target_id])
        if card.hidden_at is not None:
            raise NotFound(_("This card is not on this board."))
        return card
    return _board_cluster(breakout, target_id)


# Summaries and key points -----------------------------------------------------------------

SUMMARY_MAX = 5000


def summary_write(
    *,
    participant_id: int,
    breakout_id: int,
    text: str,
    version: int,
    op_id: UUID,
    cluster_id: int | None = None,
) -> Ack:
    """The breakout's summary, or a cluster's key points. `version` is the one the writer
    started from: if someone saved since, the write is refused as a conflict (with what
    they wrote) instead of silently replacing it."""
    text = text.strip()
    if len(text) > SUMMARY_MAX:
        raise Invalid(_("A summary has at most %(max)d characters.") % {"max": SUMMARY_MAX})
    digest = _digest(type="summary", cluster_id=cluster_id, text=text, version=version)
    with transaction.atomic():
        breakout, actor, repeat = _board_write(
            participant_id, breakout_id, op_id, digest, queries.can_summarise
        )
        if repeat:
            return repeat
        if cluster_id is None:
            owner, text_field, version_field = breakout, "summary", "summary_version"
        else:
            owner = _board_cluster(breakout, cluster_id)
            text_field, version_field = "key_points", "key_points_version"
        if getattr(owner, version_field) != version:
            raise SummaryConflict(getattr(owner, text_field), getattr(owner, version_field))
        setattr(owner, text_field, text)
        setattr(owner, version_field, version + 1)
        owner.save(update_fields=[text_field, version_field])
        payload = {
            "cluster": cluster_id,
            "text": text,
            "version": version + 1,
            "by": actor.display_name,
        }
        event = _append_event(
            breakout, "summary.changed", payload, actor=actor, op_id=op_id, digest=digest
        )
    return Ack(op_id=op_id, seq=event.seq)


class SummaryConflict(Conflict):
    """Someone saved in between: here is what they wrote."""

    def __init__(self, current: str, version: int):
        super().__init__(
            _("Someone saved this text while you were writing: compare, then save again.")
        )
        self.data = {"current": current, "version": version}


# Suggested clusters -------------------------------------------------------------------------


def suggestion_create(*, actor_id: int, breakout_id: int) -> Suggestion:
    """Propose groups for the board's cards that are in no cluster yet. Nothing on the
    board changes until the facilitator accepts."""
    with transaction.atomic():
        breakout = _locked_breakout(breakout_id)
        _steerer(actor_id, breakout)
        loose = breakout.cards.filter(hidden_at=None, cluster=None)
        texts = [clustering.CardText(str(c.pk), c.text, c.kind) for c in loose]
        groups = [
            {"title": group.title, "card_ids": [int(pk) for pk in group.card_ids]}
            for group in clustering.suggest_clusters(texts)
        ]
        return Suggestion.objects.create(breakout=breakout, groups=groups)


def suggestion_accept(*, actor_id: int, suggestion_id: int, chosen: list[int]) -> None:
    """Make clusters of the chosen groups (by their index). Cards that found a cluster
    meanwhile stay where they are; no existing cluster or title is touched."""
    with transaction.atomic():
        suggestion, breakout, actor = _suggestion(actor_id, suggestion_id)
        if suggestion.accepted_at is not None:
            raise Conflict(_("This suggestion was already accepted."))
        created = []
        last = breakout.clusters.aggregate(n=Max("position"))["n"] or 0
        for index in sorted(set(chosen)):
            if not 0 <= index < len(suggestion.groups):
                raise NotFound(_("This group is not part of the suggestion."))
            group = suggestion.groups[index]
            loose = breakout.cards.filter(pk__in=group["card_ids"], cluster=None)
            if not loose.exists():
                continue
            last += 1
            cluster = Cluster.objects.create(breakout=breakout, title=group["title"], position=last)
            loose.update(cluster=cluster)
            created.append(cluster.pk)
        suggestion.accepted_at = timezone.now()
        suggestion.created_clusters = created
        suggestion.save(update_fields=["accepted_at", "created_clusters"])
        _append_event(breakout, "layout.changed", queries.layout_view(breakout), actor=actor)


def suggestion_undo(*, actor_id: int, suggestion_id: int) -> None:
    """Take back an accepted suggestion: its clusters go, their cards go back to the
    columns. Clusters made by hand are not touched."""
    with transaction.atomic():
        suggestion, breakout, actor = _suggestion(actor_id, suggestion_id)
        if suggestion.accepted_at is None or suggestion.undone_at is not None:
            raise Conflict(_("There is nothing to undo."))
        Card.objects.filter(cluster_id__in=suggestion.created_clusters).update(cluster=None)
        Cluster.objects.filter(pk__in=suggestion.created_clusters, breakout=breakout).delete()
        suggestion.undone_at = timezone.now()
        suggestion.save(update_fields=["undone_at"])
        _tidy_clusters(breakout)
        _append_event(breakout, "layout.changed", queries.layout_view(breakout), actor=actor)


def _suggestion(actor_id: int, suggestion_id: int):
    suggestion = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound(_("This suggestion does not exist."))
    breakout = _locked_breakout(suggestion.breakout_id)
    return suggestion, breakout, _steerer(actor_id, breakout)


# Recommendations ------------------------------------------------------------------------------


def recommendation_save(
    *,
    actor_id: int,
    workshop_id: int,
    text: str,
    clusters: list,
    cards: list,
    recommendation_id: int | None = None,
    version: int = 0,
) -> Recommendation:
    """A recommendation of the workshop, linked to the clusters and cards it came from;
    an edit based on an older version is refused."""
    text = text.strip()
    if not text or len(text) > SUMMARY_MAX:
        raise Invalid(_("A recommendation has 1 to %(max)d characters.") % {"max": SUMMARY_MAX})
    if any(c.breakout.workshop_id != workshop_id for c in clusters) or any(
        c.breakout.workshop_id != workshop_id for c in cards
    ):
        raise NotFound(_("This cluster or card is not in this workshop."))
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop_id)
        _writer_of_the_report(actor_id, workshop_id)
        if recommendation_id is None:
            last = Recommendation.objects.filter(workshop_id=workshop_id).aggregate(
                n=Max("position")
            )
            item = Recommendation(workshop_id=workshop_id, position=(last["n"] or 0) + 1, version=0)
        else:
            item = Recommendation.objects.filter(
                pk=recommendation_id, workshop_id=workshop_id
            ).first()
            if item is None:
                raise NotFound(_("This recommendation does not exist."))
            if item.version != version:
                raise SummaryConflict(item.text, item.version)
        item.text = text
        item.version += 1
        item.save()
        item.clusters.set(clusters)
        item.cards.set(cards)
        transaction.on_commit(partial(events.recommendations_changed, workshop_id))
        return item


def recommendation_delete(*, actor_id: int, workshop_id: int, recommendation_id: int) -> None:
    with transaction.atomic():
        _writer_of_the_report(actor_id, workshop_id)
        Recommendation.objects.filter(pk=recommendation_id, workshop_id=workshop_id).delete()
        transaction.on_commit(partial(events.recommendations_changed, workshop_id))


def _writer_of_the_report(actor_id: int, workshop_id: int) -> Participant:
    actor = _facilitator(actor_id, workshop_id)
    if actor.team_role not in (Participant.Team.LEAD, Participant.Team.RAPPORTEUR):
        raise Forbidden(_("Only the lead facilitator or a rapporteur writes the report."))
    return actor
