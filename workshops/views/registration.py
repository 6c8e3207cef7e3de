"""Applying to a session (public), and the organisers' review of the applications."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from workshops import forms, queries, services
from workshops.export.cards import to_csv
from workshops.models import Application, Workshop
from workshops.services.registration import application_token, invitation_token

from .common import membership

APPLICATIONS_PER_HOUR = "20/h"  # per address
SESSION_APPLICATIONS = "applications"  # ids of the applications made in this browser


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _owned(request: HttpRequest) -> list[int]:
    return list(request.session.get(SESSION_APPLICATIONS, []))


def _remembered_details(request: HttpRequest, workshop: Workshop) -> dict:
    """What this browser gave when it last applied (to this or another session), so
    that a later session needs no typing again."""
    latest = Application.objects.filter(pk__in=_owned(request)).order_by("-created_at").first()
    if latest is None:
        return {}
    details = {name: getattr(latest, name) for name in (*services.APPLICATION_FIELDS, "email")}
    if latest.workshop_id == workshop.pk:
        details["preferred_challenge"] = latest.preferred_challenge_id
    return details


def apply(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("series"), pk=workshop_id)
    context = {"workshop": workshop}
    if not workshop.registration_is_open():
        return render(request, "workshops/apply.html", context)
    initial = _remembered_details(request, workshop)
    form = forms.ApplicationForm(workshop, request.POST or None, initial=initial)
    context |= {"form": form, "remembered": bool(initial)}
    if request.method != "POST":
        return render(request, "workshops/apply.html", context)
    usage = get_usage(request, group="apply", key="ip", rate=APPLICATIONS_PER_HOUR, increment=True)
    if usage and usage["should_limit"]:
        return render(request, "workshops/too_many.html", status=429)
    if form.is_spam():  # looks received, stores nothing
        return render(request, "workshops/apply.html", {**context, "received": True})
    if form.is_valid():
        try:
            application, new = services.application_submit(
                workshop_id=workshop.pk,
                base_url=_base_url(request),
                owned_ids=_owned(request),
                **form.details(),
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
            context["refused"] = True
        else:
            if new or application.pk in _owned(request):
                owned = [pk for pk in _owned(request) if pk != application.pk]
                request.session[SESSION_APPLICATIONS] = [*owned, application.pk]
                if not new:
                    messages.success(
                        request, _("You had already applied: your details are updated.")
                    )
                return redirect("workshops:application", application_token(application))
            return render(request, "workshops/apply.html", {**context, "received": True})
    return render(request, "workshops/apply.html", context, status=400)


def _application_of(request: HttpRequest, token: str):
    try:
        return services.application_for_token(token), None
    except services.NotFound as exc:
        page = render(request, "workshops/link_invalid.html", {"reason": exc.message}, status=404)
        return None, page


def application(request: HttpRequest, token: str) -> HttpResponse:
    """Where an application stands; the way in once accepted."""
    application, refusal = _application_of(request, token)
    if refusal:
        return refusal
    join_url = None
    if application.status == Application.Status.ACCEPTED:
        join_url = reverse("workshops:join", args=[invitation_token(application)])
    context = {
        "application": application,
        "workshop": application.workshop,
        "token": token,
        "join_url": join_url,
        "waiting_position": _waiting_position(application),
    }
    return render(request, "workshops/application.html", context)


def _waiting_position(application: Application) -> int | None:
    if application.status != Application.Status.WAITLISTED:
        return None
    ahead = application.workshop.applications.filter(
        status=Application.Status.WAITLISTED, created_at__lt=application.created_at
    )
    return ahead.count() + 1


@require_POST
def application_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    _application, refusal = _application_of(request, token)
    if refusal:
        return refusal
    services.application_withdraw(token=token, base_url=_base_url(request))
    messages.success(request, _("Your application is withdrawn."))
    return redirect("workshops:application", token)


@require_POST
def application_forget(request: HttpRequest, token: str) -> HttpResponse:
    application, refusal = _application_of(request, token)
    if refusal:
        return refusal
    services.application_forget(token=token, base_url=_base_url(request))
    owned = [pk for pk in _owned(request) if pk != application.pk]
    request.session[SESSION_APPLICATIONS] = owned
    messages.success(request, _("Your application and your personal data are deleted."))
    return redirect("workshops:apply", application.workshop_id)


def application_data(request: HttpRequest, token: str) -> HttpResponse:
    """Everything kept about the applicant, as a file."""
    application, refusal = _application_of(request, token)
    if refusal:
        return refusal
    response = HttpResponse(
        json.dumps(personal_data(application), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return response


EXPORTED = ("name", "email", "organisation", "role", "city", "country", "language")


def personal_data(application: Application) -> dict:
    challenge = application.preferred_challenge
    return {
        "workshop": application.workshop.title,
        **{name: getattr(application, name) for name in EXPORTED},
        "preferred_challenge": challenge.title if challenge else "",
        "status": application.status,
        "applied_at": application.created_at.isoformat(),
    }


# The organisers ------------------------------------------------------------------------------


@login_required
def registrations(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The rules of registration, and the applications to review."""
    workshop, actor = membership(request, workshop_id, "registrations.manage")
    with timezone.override(workshop.timezone):
        rules = forms.RegistrationRulesForm(request.POST or None, instance=workshop)
        if request.method == "POST" and rules.is_valid():
            try:
                services.registration_rules_save(
                    actor_id=actor.pk,
                    workshop_id=workshop.pk,
                    base_url=_base_url(request),
                    **rules.cleaned_data,
                )
            except services.ServiceError as exc:
                rules.add_error(None, exc.message)
            else:
                messages.success(request, _("Registration rules saved."))
                return redirect("workshops:registrations", workshop.pk)
        workshop.refresh_from_db()
        order = request.GET.get("order", "priority")
        context = {
            "workshop": workshop,
            "participant": actor,
            "rules": rules,
            "order": order,
            "orders": ORDERS,
            "applications": queries.applications(workshop, order),
            "decision_form": forms.DecisionForm(),
            "accepted": workshop.applications.filter(status=Application.Status.ACCEPTED).count(),
        }
        return render(request, "workshops/registrations.html", context)


ORDERS = {
    "priority": _("Priority (earlier sessions first)"),
    "date": _("Date of application"),
    "name": _("Name"),
    "status": _("Status"),
}


@login_required
@require_POST
def registration_decide(request: HttpRequest, workshop_id: int, application_id: int):
    workshop, actor = membership(request, workshop_id, "registrations.manage")
    item = get_object_or_404(Application, pk=application_id, workshop=workshop)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(
                actor_id=actor.pk,
                application_id=item.pk,
                status=form.cleaned_data["status"],
                base_url=_base_url(request),
            )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved: %(name)s is told by email.") % {"name": item.name})
    return redirect(
        reverse("workshops:registrations", args=[workshop.pk]) + f"#application-{item.pk}"
    )


@login_required
@require_POST
def registration_delete(request: HttpRequest, workshop_id: int, application_id: int):
    workshop, actor = membership(request, workshop_id, "registrations.manage")
    item = get_object_or_404(Application, pk=application_id, workshop=workshop)
    services.application_delete(
        actor_id=actor.pk, application_id=item.pk, base_url=_base_url(request)
    )
    messages.success(request, _("The application and its personal data are deleted."))
    return redirect("workshops:registrations", workshop.pk)


@login_required
def registrations_csv(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Every application with its personal data, for the organisers."""
    workshop, _actor = membership(request, workshop_id, "registrations.manage")
    header = [*EXPORTED, "preferred_challenge", "status", "applied_at", "earlier_sessions"]
    table = [header]
    for item in queries.applications(workshop, "date"):
        data = personal_data(item)
        table.append([data[key] for key in header[:-1]] + [item.priority])
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
    return response
