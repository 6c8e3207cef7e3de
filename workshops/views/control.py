"""The control room: every breakout live, and every steering action, for facilitators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from workshops import forms, queries, services
from workshops.models import Breakout, Workshop

from .common import membership, redirect_back


def _control_context(workshop: Workshop, actor) -> dict:
    return {
        "workshop": workshop,
        "participant": actor,
        "statuses": queries.control_room(workshop),
        "waiting": queries.open_help_requests(workshop).filter(breakout=None),
        "phases": Breakout.Phase.choices,
        "timer_actions": Breakout.TimerAction.choices,
        "spread_form": forms.SpreadForm(workshop),
    }


@login_required
def control_room(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "control.view")
    return render(request, "workshops/control.html", _control_context(workshop, actor))


def _phase(actor, workshop, data):
    services.breakouts_set_phase(
        actor_id=actor.pk,
        workshop_id=workshop.pk,
        phase=data["phase"],
        breakout_id=_pk(data["breakout"]),
    )
    return _("Phase changed.")


def _timer(actor, workshop, data):
    services.timer_command(
        actor_id=actor.pk,
        workshop_id=workshop.pk,
        command=data["command"],
        minutes=data["minutes"],
        action=data["action"],
        breakout_id=_pk(data["breakout"]),
    )
    return _("Timer updated.")


def _message(actor, workshop, data):
    services.message_send(
        actor_id=actor.pk,
        workshop_id=workshop.pk,
        text=data["text"],
        breakout_id=_pk(data["breakout"]),
    )
    return _("Message sent.")


def _mode(actor, workshop, data):
    services.workshop_set_mode(actor_id=actor.pk, workshop_id=workshop.pk, mode=data["mode"])
    if data["mode"] == Workshop.Mode.PLENARY:
        return _("Everyone is back on the main page; the boards are kept.")
    return _("Everyone is on their breakout board.")


def _anonymous(actor, workshop, data):
    services.workshop_set_anonymous(
        actor_id=actor.pk, workshop_id=workshop.pk, allowed=data["allowed"]
    )
    return _("Anonymous cards allowed.") if data["allowed"] else _("Anonymous cards forbidden.")


def _spread(actor, workshop, data):
    placed = services.participants_spread(actor_id=actor.pk, workshop_id=workshop.pk, by=data["by"])
    return _("%(count)d people placed in breakouts.") % {"count": placed}


def _move(actor, workshop, data):
    services.participant_move(
        actor_id=actor.pk,
        participant_id=data["participant"].pk,
        breakout_id=_pk(data["breakout"]),
    )
    return _("%(name)s moved.") % {"name": data["participant"].display_name}


def _swap(actor, workshop, data):
    first, second = data["participant_1"], data["participant_2"]
    services.participants_swap(actor_id=actor.pk, first_id=first.pk, second_id=second.pk)
    return _("%(first)s and %(second)s swapped.") % {
        "first": first.display_name,
        "second": second.display_name,
    }


def _handled(actor, workshop, data):
    services.help_handle(actor_id=actor.pk, request_id=data["request"].pk)
    return _("Marked as handled.")


def _remove(actor, workshop, data):
    services.participant_remove(actor_id=actor.pk, participant_id=data["participant"].pk)
    return _("%(name)s was removed from the workshop.") % {"name": data["participant"].display_name}


def _pk(row):
    return row.pk if row is not None else None


# action name -> (form, what it does); every action goes through one service.
ACTIONS = {
    "phase": (forms.PhaseForm, _phase),
    "timer": (forms.TimerForm, _timer),
    "message": (forms.MessageForm, _message),
    "mode": (forms.ModeForm, _mode),
    "anonymous": (forms.AnonymousForm, _anonymous),
    "spread": (forms.SpreadForm, _spread),
    "move": (forms.MoveForm, _move),
    "swap": (forms.SwapForm, _swap),
    "handled": (forms.HelpHandledForm, _handled),
    "remove": (forms.RemoveForm, _remove),
}


@login_required
@require_POST
def control_action(request: HttpRequest, workshop_id: int, action: str) -> HttpResponse:
    """Run one steering action; answer htmx with a status line, others with a redirect."""
    workshop, actor = membership(request, workshop_id, "control.view")
    if action not in ACTIONS:
        raise Http404
    form_class, run = ACTIONS[action]
    form = form_class(workshop, request.POST)
    ok, text = False, _("Check the form: %(errors)s")
    if form.is_valid():
        try:
            ok, text = True, run(actor, workshop, form.cleaned_data)
        except services.ServiceError as exc:
            text = str(exc.message)
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        text = text % {"errors": errors}
    if request.htmx:
        response = render(request, "workshops/control.html#status", {"ok": ok, "text": text})
        return trigger_client_event(response, "controlChanged") if ok else response
    (messages.success if ok else messages.error)(request, text)
    return redirect_back(request, "workshops:control", workshop.pk)


@login_required
def people(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Everyone in the workshop: where they are, whether they are here, what they chose."""
    workshop, actor = membership(request, workshop_id, "control.view")
    context = {
        "workshop": workshop,
        "participant": actor,
        "people": queries.people(workshop),
        "segments": workshop.segments.filter(registration_required=True),
        "breakouts": workshop.breakouts.select_related("challenge"),
        "swap_form": forms.SwapForm(workshop),
        "spread_form": forms.SpreadForm(workshop),
    }
    return render(request, "workshops/people.html", context)
