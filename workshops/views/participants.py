"""What participants open: the invite link, the workshop's main page, their board."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from workshops import queries, roles, services
from workshops.export import calendar
from workshops.forms import (
    CardForm,
    ChooseBreakoutForm,
    HelpForm,
    JoinForm,
    ReactionForm,
    RegistrationForm,
    ScenarioForm,
)
from workshops.models import Breakout, Card, HelpRequest, Participant, Workshop

from .common import membership, place_of, redirect_back

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


def _remember(request: HttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(queries.SESSION_PARTICIPANTS, {}))
    joined[str(participant.workshop_id)] = participant.pk
    request.session[queries.SESSION_PARTICIPANTS] = joined


class TooManyGuesses(Exception):
    pass


def invite_of(request: HttpRequest, token: str):
    """The usable invitation of this link. Only wrong links count against the address,
    and a valid one is never refused: a whole city hall may share one address, and one
    guesser there must not lock its people out."""
    try:
        return services.invite_for_token(token)
    except services.NotFound as exc:
        guesses = get_usage(
            request, group="join", key="ip", rate=WRONG_LINKS_PER_MINUTE, increment=True
        )
        if guesses and guesses["should_limit"]:
            raise TooManyGuesses from None
        raise Http404(str(exc.message)) from None


def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = invite_of(request, token)
    except TooManyGuesses:
        return render(request, "workshops/too_many.html", status=429)
    workshop = invite.workshop
    current = queries.participant_for(request.session, request.user, workshop.pk)
    if current is not None:
        return place_of(current)
    if queries.was_removed(request.session, workshop.pk):
        raise PermissionDenied(_("You were removed from this workshop."))
    form = JoinForm(invite, request.POST or None)
    if request.method == "POST" and form.is_valid():
        breakout = form.cleaned_data.get("breakout")
        challenge = form.cleaned_data["preferred_challenge"]
        try:
            participant = services.participant_join(
                token=token,
                display_name=form.cleaned_data["display_name"],
                breakout_id=breakout.pk if breakout else None,
                preferred_challenge_id=challenge.pk if challenge else None,
                language=form.cleaned_data["language"],
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            _remember(request, participant)
            return place_of(participant)
    context = {"workshop": workshop, "form": form, "invite": invite, "token": token}
    return render(request, "workshops/join.html", context)


def here(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Where a page goes when told "your place changed"."""
    _workshop, participant = membership(request, workshop_id)
    return place_of(participant)


def workshop_page(request: HttpRequest, workshop_id: int, choose_form=None) -> HttpResponse:
    workshop, participant = membership(request, workshop_id)
    context = {
        "workshop": workshop,
        "participant": participant,
        "challenges": workshop.challenges.prefetch_related("breakouts"),
        "segments": workshop.segments.all(),
        "registered": set(participant.registrations.values_list("segment_id", flat=True)),
        "messages_to_all": [
            queries.message_view(m)
            for m in workshop.messages.filter(breakout=None).select_related("author")[:5]
        ],
        "help_open": _help_open(participant),
        "choose_form": choose_form or ChooseBreakoutForm(workshop),
        "recommendations": queries.recommendations(workshop),
    }
    status = 400 if choose_form is not None else 200
    return render(request, "workshops/workshop.html", context, status=status)


@require_POST
def choose_breakout(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, participant = membership(request, workshop_id, "breakout.choose")
    form = ChooseBreakoutForm(workshop, request.POST)
    if form.is_valid():
        try:
            participant = services.breakout_choose(
                participant_id=participant.pk, breakout_id=form.cleaned_data["breakout"].pk
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return place_of(participant)
    return workshop_page(request, workshop_id, choose_form=form)


@require_POST
def register(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Sign up for (or out of) a registration-only part of the agenda."""
    workshop, participant = membership(request, workshop_id, "segment.register")
    form = RegistrationForm(workshop, request.POST)
    if form.is_valid():
        services.registration_set(
            participant_id=participant.pk,
            segment_id=form.cleaned_data["segment"].pk,
            registered=form.cleaned_data["registered"],
        )
    return redirect("workshops:workshop", workshop.pk)


def _help_open(participant: Participant) -> bool:
    return HelpRequest.objects.filter(participant=participant, handled_at=None).exists()


def ask_for_help(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Raise a hand, ask for help, or (with `withdraw`) take it back; GET shows the
    current state (after a facilitator handled it)."""
    _workshop, participant = membership(request, workshop_id, "help.ask")
    if "withdraw" in request.POST:
        services.help_withdraw(participant_id=participant.pk, workshop_id=workshop_id)
    elif request.method == "POST":
        form = HelpForm(request.POST)
        if form.is_valid():
            services.help_request(
                participant_id=participant.pk, workshop_id=workshop_id, **form.cleaned_data
            )
    if request.htmx or request.method != "POST":
        context = {"workshop_id": workshop_id, "help_open": _help_open(participant)}
        return render(request, "workshops/_help.html", context)
    messages.success(request, _("The facilitators have been told."))
    return redirect_back(request, "workshops:here", workshop_id)


def board(request: HttpRequest, workshop_id: int, breakout_id: int) -> HttpResponse:
    workshop, participant = membership(request, workshop_id)
    breakout = get_object_or_404(workshop.breakouts.select_related("challenge"), pk=breakout_id)
    in_plenary = workshop.mode == Workshop.Mode.PLENARY and not participant.is_facilitator
    if in_plenary or not roles.allows(participant, "board.view", breakout):
        return place_of(participant)
    if breakout.kind == Breakout.Kind.SCENARIOS:
        return scenario_board(request, workshop, participant, breakout)
    forms = {kind: CardForm(kind) for kind in Card.Kind.values}
    kind = request.POST.get("kind")
    if request.method == "POST" and kind in forms:
        form = forms[kind] = CardForm(kind, request.POST)
        if form.is_valid():
            try:
                services.card_create(
                    participant_id=participant.pk,
                    breakout_id=breakout.pk,
                    kind=kind,
                    text=form.cleaned_data["text"],
                    anonymous=form.cleaned_data.get("anonymous", False),
                    language=form.cleaned_data["language"],
                    op_id=form.cleaned_data["op_id"],
                )
            except services.ServiceError as exc:
                form.add_error("text", exc.message)
            else:
                return redirect("workshops:board", workshop.pk, breakout.pk)
    context = {
        "workshop": workshop,
        "participant": participant,
        "can_post": roles.allows(participant, "card.post", breakout),
        "can_moderate": roles.allows(participant, "card.hide", breakout),
        "can_cluster": roles.allows(participant, "cluster.edit", breakout),
        "cluster_if_open": roles.only_while_open(participant, "cluster.edit", breakout),
        "can_summarise": roles.allows(participant, "summary.write", breakout),
        "can_link": roles.allows(participant, "answer.link", breakout),
        "can_vote": roles.allows(participant, "vote", breakout),
        "my_votes": queries.my_votes(participant, breakout),
        "presence": queries.presence_view(breakout, viewer=participant),
        "help_open": _help_open(participant),
        **queries.board_context(breakout, with_hidden=participant.is_facilitator),
    }
    for column in context["columns"]:
        column["form"] = forms[column["kind"]]
    return render(request, "workshops/board.html", context)


def scenario_board(request, workshop, participant, breakout) -> HttpResponse:
    """A board of prepared scenarios that participants give feedback on."""
    scenarios = queries.scenarios_context(breakout, request.LANGUAGE_CODE)
    post_form = ScenarioForm(request.POST if "scenario-title" in request.POST else None)
    reacting = request.POST.get("scenario", "")
    for item in scenarios:
        data = request.POST if reacting == str(item["id"]) else None
        item["form"] = ReactionForm(item, breakout.criteria, data)
    try:
        if post_form.is_bound and post_form.is_valid():
            services.scenario_post(
                participant_id=participant.pk, breakout_id=breakout.pk, **post_form.scenario()
            )
            return redirect("workshops:board", workshop.pk, breakout.pk)
        for item in scenarios:
            if item["form"].is_bound and item["form"].is_valid():
                services.scenario_react(
                    participant_id=participant.pk,
                    scenario_id=item["id"],
                    **item["form"].reaction(),
                )
                messages.success(request, _("Thank you: your feedback is saved."))
                url = reverse("workshops:board", args=[workshop.pk, breakout.pk])
                return redirect(f"{url}#scenario-{item['id']}")
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    context = {
        "workshop": workshop,
        "participant": participant,
        "breakout": breakout,
        "scenarios": scenarios,
        "post_form": post_form,
        "can_post": roles.allows(participant, "scenario.post", breakout),
        "can_react": roles.allows(participant, "scenario.react", breakout),
        "presence": queries.presence_view(breakout),
        "help_open": _help_open(participant),
        **queries.board_context(breakout, with_hidden=participant.is_facilitator),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "workshops/scenario_board.html", context, status=status)


def recommendations(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The workshop's recommendations, refreshed live on the main page."""
    workshop, _participant = membership(request, workshop_id)
    context = {"workshop": workshop, "recommendations": queries.recommendations(workshop)}
    return render(request, "workshops/workshop.html#recommendations", context)


def _calendar(workshop, join_url: str) -> HttpResponse:
    response = HttpResponse(
        calendar.for_workshop(workshop, join_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="workshop.ics"'
    return response


def workshop_calendar(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The workshop and its agenda for a member's calendar, with the way back in."""
    workshop, _participant = membership(request, workshop_id)
    return _calendar(
        workshop, request.build_absolute_uri(reverse("workshops:here", args=[workshop.pk]))
    )


def invite_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The workshop and its agenda for whoever holds an invitation, with the link in."""
    try:
        invite = invite_of(request, token)
    except TooManyGuesses:
        return render(request, "workshops/too_many.html", status=429)
    join_url = request.build_absolute_uri(reverse("workshops:join", args=[token]))
    return _calendar(invite.workshop, join_url)
