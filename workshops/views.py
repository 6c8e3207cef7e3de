from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage

from . import queries, services
from .forms import CardForm, ChooseBreakoutForm, InviteForm, JoinForm
from .models import Card, Invite, Participant, Workshop

WRONG_LINKS_PER_MINUTE = "30/m"  # per address


def home(request: HttpRequest) -> HttpResponse:
    workshops = []
    if request.user.is_authenticated:
        workshops = Workshop.objects.filter(
            participants__user=request.user,
            participants__role=Participant.Role.FACILITATOR,
            participants__removed_at__isnull=True,
        )
    return render(request, "workshops/home.html", {"workshops": workshops})


def _membership(request: HttpRequest, workshop_id: int) -> tuple[Workshop, Participant]:
    """The workshop and who this browser is in it; members only."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    participant = queries.participant_for(request.session, request.user, workshop.pk)
    if participant is None:
        raise PermissionDenied(_("This workshop is open to its invited members only."))
    return workshop, participant


def _remember(request: HttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(queries.SESSION_PARTICIPANTS, {}))
    joined[str(participant.workshop_id)] = participant.pk
    request.session[queries.SESSION_PARTICIPANTS] = joined


def _where_to_go(participant: Participant):
    if participant.breakout_id and not participant.is_facilitator:
        return redirect("workshops:board", participant.workshop_id, participant.breakout_id)
    return redirect("workshops:workshop", participant.workshop_id)


def join(request: HttpRequest, token: str) -> HttpResponse:
    # Only wrong links count: a whole city hall may share one address and join at once.
    guesses = get_usage(request, group="join", key="ip", rate=WRONG_LINKS_PER_MINUTE)
    if guesses and guesses["count"] >= guesses["limit"]:
        return render(request, "workshops/too_many.html", status=429)
    try:
        invite = services.invite_for_token(token)
    except services.NotFound as exc:
        get_usage(request, group="join", key="ip", rate=WRONG_LINKS_PER_MINUTE, increment=True)
        raise Http404(str(exc.message)) from None
    workshop = invite.workshop
    current = queries.participant_for(request.session, request.user, workshop.pk)
    if current is not None:
        return _where_to_go(current)
    if queries.was_removed(request.session, workshop.pk):
        raise PermissionDenied(_("You were removed from this workshop."))
    form = JoinForm(workshop, request.POST or None)
    if request.method == "POST" and form.is_valid():
        breakout = form.cleaned_data["breakout"]
        try:
            participant = services.participant_join(
                token=token,
                display_name=form.cleaned_data["display_name"],
                breakout_id=breakout.pk if breakout else None,
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            _remember(request, participant)
            return _where_to_go(participant)
    return render(request, "workshops/join.html", {"workshop": workshop, "form": form})


def workshop_page(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, participant = _membership(request, workshop_id)
    context = {
        "workshop": workshop,
        "participant": participant,
        "challenges": workshop.challenges.prefetch_related("breakouts"),
        "choose_form": ChooseBreakoutForm(workshop),
    }
    return render(request, "workshops/workshop.html", context)


@require_POST
def choose_breakout(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, participant = _membership(request, workshop_id)
    form = ChooseBreakoutForm(workshop, request.POST)
    if form.is_valid():
        try:
            participant = services.breakout_choose(
                participant_id=participant.pk, breakout_id=form.cleaned_data["breakout"].pk
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _where_to_go(participant)
    context = {
        "workshop": workshop,
        "participant": participant,
        "challenges": workshop.challenges.prefetch_related("breakouts"),
        "choose_form": form,
    }
    return render(request, "workshops/workshop.html", context, status=400)


def board(request: HttpRequest, workshop_id: int, breakout_id: int) -> HttpResponse:
    workshop, participant = _membership(request, workshop_id)
    breakout = get_object_or_404(workshop.breakouts.select_related("challenge"), pk=breakout_id)
    if not queries.can_view_board(participant, breakout):
        return _where_to_go(participant)
    allow_anonymous = workshop.allow_anonymous
    forms = {kind: CardForm(kind, allow_anonymous=allow_anonymous) for kind in Card.Kind.values}
    kind = request.POST.get("kind")
    if request.method == "POST" and kind in forms:
        form = forms[kind] = CardForm(kind, request.POST, allow_anonymous=allow_anonymous)
        if form.is_valid():
            try:
                services.card_create(
                    participant_id=participant.pk,
                    breakout_id=breakout.pk,
                    kind=kind,
                    text=form.cleaned_data["text"],
                    anonymous=form.cleaned_data.get("anonymous", False),
                    op_id=form.cleaned_data["op_id"],
                )
            except services.ServiceError as exc:
                form.add_error("text", exc.message)
            else:
                return redirect("workshops:board", workshop.pk, breakout.pk)
    context = {"workshop": workshop, "participant": participant, **queries.board_context(breakout)}
    for column in context["columns"]:
        column["form"] = forms[column["kind"]]
    return render(request, "workshops/board.html", context)


def _facilitator(request: HttpRequest, workshop_id: int) -> tuple[Workshop, Participant]:
    workshop, participant = _membership(request, workshop_id)
    if not participant.is_facilitator:
        raise PermissionDenied(_("Only facilitators can open the control room."))
    return workshop, participant


@login_required
def control_room(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, participant = _facilitator(request, workshop_id)
    context = {
        "workshop": workshop,
        "participant": participant,
        "statuses": queries.control_room(workshop),
    }
    return render(request, "workshops/control.html", context)


@login_required
@require_GET
def control_row(request: HttpRequest, workshop_id: int, breakout_id: int) -> HttpResponse:
    workshop, _participant = _facilitator(request, workshop_id)
    return _breakout_row(request, workshop, breakout_id)


def _breakout_row(request: HttpRequest, workshop: Workshop, breakout_id: int) -> HttpResponse:
    statuses = queries.control_room(workshop, breakout_id=breakout_id)
    if not statuses:
        raise Http404
    return render(request, "workshops/control.html#breakout-row", {"status": statuses[0]})


@login_required
def invites(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Create invitation links (each shown once) and revoke them."""
    workshop, _participant = _facilitator(request, workshop_id)
    new_link = None
    with timezone.override(workshop.timezone):
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token = services.invite_create(workshop=workshop, **form.cleaned_data)
            new_link = request.build_absolute_uri(reverse("workshops:join", args=[token]))
            form = InviteForm()
    context = {
        "workshop": workshop,
        "form": form,
        "new_link": new_link,
        "invites": queries.invites(workshop),
    }
    return render(request, "workshops/invites.html", context)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, workshop_id: int, invite_id: int) -> HttpResponse:
    _workshop, participant = _facilitator(request, workshop_id)
    invite = get_object_or_404(Invite, pk=invite_id, workshop_id=workshop_id)
    services.invite_revoke(actor_id=participant.pk, invite_id=invite.pk)
    return redirect("workshops:invites", workshop_id)


@login_required
@require_POST
def participant_remove(request: HttpRequest, workshop_id: int, participant_id: int) -> HttpResponse:
    workshop, facilitator = _facilitator(request, workshop_id)
    target = get_object_or_404(Participant, pk=participant_id, workshop_id=workshop_id)
    try:
        services.participant_remove(actor_id=facilitator.pk, participant_id=target.pk)
    except services.ServiceError as exc:
        return HttpResponse(exc.message, status=400)
    if request.htmx and target.breakout_id:
        return _breakout_row(request, workshop, target.breakout_id)
    return redirect("workshops:control", workshop_id)
