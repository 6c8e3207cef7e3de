"""Steering live: phases, timers, where everyone is, messages, help, board settings."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops import queries
from workshops.errors import Invalid, NotFound
from workshops.models import Breakout, HelpRequest, Message, Participant, Workshop

from .board import acting, active_participant, append_event, in_workshop, locked_breakout
from .publish import (
    control_rows,
    control_toolbar,
    everyone_to_their_place,
    help_handled,
    plenary_message,
)
from .votes import VOTE_BUDGET_MAX


def _steered_breakouts(
    actor_id: int, workshop_id: int, breakout_id: int | None
) -> tuple[Participant, list[Breakout]]:
    """One breakout (who steers it may act) or all of them (who steers the workshop),
    locked in a fixed order."""
    if breakout_id is not None:
        breakout = in_workshop(locked_breakout(breakout_id), workshop_id)
        return acting(actor_id, workshop_id, "breakout.steer", breakout), [breakout]
    actor = acting(actor_id, workshop_id, "workshop.steer")
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
                append_event(breakout, "phase.changed", {"phase": phase}, actor=actor)


# Timers: deadlines, never ticks ---------------------------------------------------------

TIMER_MAX_MINUTES = 600
TIMER_FIELDS = ["timer_ends_at", "timer_paused_seconds", "timer_action"]


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
                append_event(breakout, "timer.changed", queries.timer_view(breakout), actor=actor)


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
                append_event(breakout, "phase.changed", {"phase": breakout.phase})
            else:
                plenary.add(breakout.workshop_id)
            breakout.save(update_fields=["timer_action", "phase"])
        for workshop in Workshop.objects.select_for_update().filter(pk__in=plenary):
            _set_mode(workshop, Workshop.Mode.PLENARY)


# Where everyone is ----------------------------------------------------------------------


def workshop_set_mode(*, actor_id: int, workshop_id: int, mode: str) -> None:
    """Everyone to the plenary page, or everyone back to their breakout; boards stay."""
    if mode not in Workshop.Mode.values:
        raise Invalid(_("Unknown mode."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop.pk, "workshop.steer")
        _set_mode(workshop, mode)


def _set_mode(workshop: Workshop, mode: str) -> None:
    if workshop.mode != mode:
        workshop.mode = mode
        workshop.save(update_fields=["mode"])
        everyone_to_their_place(workshop.pk)
        control_toolbar(workshop.pk)


# Messages and help ----------------------------------------------------------------------

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
            append_event(breakout, "message.posted", payload, actor=actor)
        if breakout_id is None:
            plenary_message(workshop_id, payload)
    return message


def help_request(*, participant_id: int, workshop_id: int, kind: str, note: str = "") -> None:
    """Raise a hand or ask for help; it stays in the control room until handled."""
    if kind not in HelpRequest.Kind.values:
        raise Invalid(_("Unknown kind of request."))
    with transaction.atomic():
        person = acting(participant_id, workshop_id, "help.ask")
        open_requests = HelpRequest.objects.filter(participant=person, handled_at=None)
        if open_requests.filter(kind=kind).exists():
            return
        HelpRequest.objects.create(
            participant=person, breakout_id=person.breakout_id, kind=kind, note=note.strip()[:300]
        )
        _help_changed(workshop_id, person.breakout_id)


def help_withdraw(*, participant_id: int, workshop_id: int) -> None:
    with transaction.atomic():
        person = active_participant(participant_id, workshop_id)
        HelpRequest.objects.filter(participant=person, handled_at=None).update(
            handled_at=timezone.now()
        )
        _help_changed(workshop_id, person.breakout_id)


def help_handle(*, actor_id: int, request_id: int) -> None:
    with transaction.atomic():
        request = (
            HelpRequest.objects.select_for_update(of=("self",))
            .select_related("participant", "breakout")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise NotFound(_("This request does not exist."))
        workshop_id = request.participant.workshop_id
        if request.breakout is not None:
            acting(actor_id, workshop_id, "breakout.steer", request.breakout)
        else:
            acting(actor_id, workshop_id, "workshop.steer")
        if request.handled_at is None:
            request.handled_at = timezone.now()
            request.save(update_fields=["handled_at"])
            help_handled(request.participant_id)
            _help_changed(workshop_id, request.breakout_id)


def _help_changed(workshop_id: int, breakout_id: int | None) -> None:
    if breakout_id is None:
        control_toolbar(workshop_id)
    else:
        control_rows(workshop_id, [breakout_id])


# Settings --------------------------------------------------------------------------------


def workshop_set_anonymous(*, actor_id: int, workshop_id: int, allowed: bool) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        actor = acting(actor_id, workshop.pk, "workshop.steer")
        if workshop.allow_anonymous == allowed:
            return
        workshop.allow_anonymous = allowed
        workshop.save(update_fields=["allow_anonymous"])
        for breakout in Breakout.objects.select_for_update().filter(workshop=workshop):
            append_event(breakout, "settings.changed", {"allow_anonymous": allowed}, actor=actor)
        control_toolbar(workshop.pk)


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
        breakout = locked_breakout(breakout_id)
        actor = acting(actor_id, breakout.workshop_id, "breakout.steer", breakout)
        if (
            participants_cluster is not None
            and participants_cluster != breakout.participants_cluster
        ):
            breakout.participants_cluster = participants_cluster
            breakout.save(update_fields=["participants_cluster"])
            payload = {"participants_cluster": participants_cluster}
            append_event(breakout, "settings.changed", payload, actor=actor)
        votes = {"vote_budget": vote_budget, "votes_visible": votes_visible}
        votes = {k: v for k, v in votes.items() if v is not None and getattr(breakout, k) != v}
        if votes:
            for name, value in votes.items():
                setattr(breakout, name, value)
            breakout.save(update_fields=list(votes))
            append_event(breakout, "votes.changed", queries.votes_view(breakout), actor=actor)
