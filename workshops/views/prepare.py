"""Preparing a workshop: details, agenda, challenges and breakouts, invitations, team."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshops import forms, queries, services
from workshops.models import AgendaSegment, Breakout, Challenge, Invite, Participant

from .common import membership


def _valid_zone(name: str | None) -> str:
    return name if name in forms.TIME_ZONES else "UTC"


@login_required
def workshop_new(request: HttpRequest) -> HttpResponse:
    # Dates are typed in the time zone chosen in the same form.
    with timezone.override(_valid_zone(request.POST.get("timezone"))):
        form = forms.WorkshopForm(request.POST or None, initial={"timezone": "UTC"})
        if request.method == "POST" and form.is_valid():
            workshop = services.workshop_create(user=request.user, **form.cleaned_data)
            return redirect("workshops:prepare", workshop.pk)
    return render(request, "workshops/workshop_new.html", {"form": form})


# Each part of the agenda page: its model, its form, and its save and delete services.
PARTS = {
    "segment": (AgendaSegment, forms.SegmentForm, services.segment_save, services.segment_delete),
    "challenge": (
        Challenge,
        forms.ChallengeForm,
        services.challenge_save,
        services.challenge_delete,
    ),
    "breakout": (Breakout, forms.BreakoutForm, services.breakout_save, services.breakout_delete),
}


def _part_form(part: str, workshop, data=None, instance=None):
    """The form of a new part, or of an existing one (its own prefix, so that the ids
    of many forms on one page stay unique)."""
    form_class = PARTS[part][1]
    prefix = f"{part}-{instance.pk}" if instance else part
    if form_class is forms.ChallengeForm:
        return form_class(data, instance=instance, prefix=prefix)
    return form_class(workshop, data, instance=instance, prefix=prefix)


def _parts(part: str, workshop, items) -> list:
    return [(item, _part_form(part, workshop, instance=item)) for item in items]


@login_required
def prepare(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """One page to set a workshop up; each form posts to its own part."""
    workshop, actor = membership(request, workshop_id, "workshop.prepare")
    with timezone.override(workshop.timezone):
        details = forms.WorkshopForm(request.POST or None, instance=workshop, prefix="details")
        if request.method == "POST" and details.is_valid():
            fields = {k: v for k, v in details.cleaned_data.items()}
            try:
                services.workshop_update(actor_id=actor.pk, workshop_id=workshop.pk, **fields)
            except services.ServiceError as exc:
                details.add_error(None, exc.message)
            else:
                messages.success(request, _("Workshop saved."))
                return redirect("workshops:prepare", workshop.pk)
        workshop.refresh_from_db()
        context = {
            "workshop": workshop,
            "participant": actor,
            "details": details,
            "segments": _parts("segment", workshop, workshop.segments.all()),
            "challenges": _parts("challenge", workshop, workshop.challenges.all()),
            "breakouts": _parts(
                "breakout", workshop, workshop.breakouts.select_related("challenge")
            ),
            "new": {part: _part_form(part, workshop) for part in PARTS},
            "duplicate_form": forms.DuplicateForm(initial={"title": workshop.title}),
        }
        return render(request, "workshops/prepare.html", context)


@login_required
@require_POST
def prepare_part(request: HttpRequest, workshop_id: int, part: str, pk: int | None = None):
    """Add (pk None) or change a segment, challenge or breakout."""
    workshop, actor = membership(request, workshop_id, "workshop.prepare")
    if part not in PARTS:
        raise Http404
    model, _form, save, _delete = PARTS[part]
    instance = get_object_or_404(model, pk=pk, workshop=workshop) if pk else None
    with timezone.override(workshop.timezone):
        form = _part_form(part, workshop, request.POST, instance=instance)
        if form.is_valid():
            try:
                save(
                    actor_id=actor.pk,
                    workshop_id=workshop.pk,
                    **{f"{part}_id": pk},
                    **form.cleaned_data,
                )
            except services.ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved."))
        else:
            errors = "; ".join(str(e) for field in form.errors.values() for e in field)
            messages.error(request, errors)
    return redirect(reverse("workshops:prepare", args=[workshop.pk]) + f"#{part}s")


@login_required
@require_POST
def prepare_delete(request: HttpRequest, workshop_id: int, part: str, pk: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "workshop.prepare")
    if part not in PARTS:
        raise Http404
    delete = PARTS[part][3]
    try:
        delete(actor_id=actor.pk, workshop_id=workshop.pk, **{f"{part}_id": pk})
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(reverse("workshops:prepare", args=[workshop.pk]) + f"#{part}s")


@login_required
@require_POST
def duplicate(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Start a new workshop from this one, as a template."""
    workshop, actor = membership(request, workshop_id, "workshop.prepare")
    with timezone.override(workshop.timezone):
        form = forms.DuplicateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a title and a start for the copy."))
            return redirect("workshops:prepare", workshop.pk)
        copy = services.workshop_duplicate(
            actor_id=actor.pk, workshop_id=workshop.pk, **form.cleaned_data
        )
    messages.success(request, _("This is the copy; change what differs."))
    return redirect("workshops:prepare", copy.pk)


@login_required
def invites(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The workshop link(s) and personal invitations; each link is shown once."""
    workshop, actor = membership(request, workshop_id, "invites.manage")
    new_links = []
    with timezone.override(workshop.timezone):
        link_form = forms.InviteForm(request.POST if "label" in request.POST else None)
        people_form = forms.PersonalInvitesForm(
            workshop,
            request.POST if "people" in request.POST else None,
            request.FILES or None,
        )
        try:
            new_links = _create_links(request, workshop, actor, link_form, people_form)
        except services.ServiceError as exc:
            messages.error(request, exc.message)
    if new_links and request.POST.get("format") == "csv":
        return _links_csv(new_links)
    context = {
        "workshop": workshop,
        "participant": actor,
        "form": link_form if link_form.is_bound and not new_links else forms.InviteForm(),
        "people_form": people_form
        if people_form.is_bound and not new_links
        else forms.PersonalInvitesForm(workshop),
        "new_links": new_links,
        "invites": queries.invites(workshop),
    }
    return render(request, "workshops/invites.html", context)


def _create_links(request, workshop, actor, link_form, people_form) -> list[dict]:
    def link(token):
        return request.build_absolute_uri(reverse("workshops:join", args=[token]))

    if link_form.is_bound and link_form.is_valid():
        token = services.invite_link_create(
            actor_id=actor.pk, workshop_id=workshop.pk, **link_form.cleaned_data
        )
        return [{"name": link_form.cleaned_data["label"], "email": "", "link": link(token)}]
    if people_form.is_bound and people_form.is_valid():
        created = services.invites_create_personal(
            actor_id=actor.pk, workshop_id=workshop.pk, people=people_form.cleaned_data["rows"]
        )
        return [{**person, "link": link(token)} for person, token in created]
    return []


def _links_csv(links: list[dict]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "link"])
    for row in links:
        writer.writerow([row["name"], row["email"], row["link"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitations.csv"'
    return response


@login_required
@require_POST
def invite_revoke(request: HttpRequest, workshop_id: int, invite_id: int) -> HttpResponse:
    _workshop, actor = membership(request, workshop_id, "invites.manage")
    invite = get_object_or_404(Invite, pk=invite_id, workshop_id=workshop_id)
    try:
        services.invite_revoke(actor_id=actor.pk, invite_id=invite.pk)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("workshops:invites", workshop_id)


@login_required
def team(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The facilitation team: roles, and which breakouts each host steers."""
    workshop, actor = membership(request, workshop_id, "team.manage")
    add_form = forms.TeamAddForm(workshop, request.POST if "username" in request.POST else None)
    if add_form.is_bound and add_form.is_valid():
        try:
            services.team_add(actor_id=actor.pk, workshop_id=workshop.pk, **add_form.cleaned_data)
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Added to the team."))
            return redirect("workshops:team", workshop.pk)
    members = workshop.participants.active().filter(role=Participant.Role.FACILITATOR)
    rows = [
        (
            member,
            forms.TeamMemberForm(
                workshop,
                initial={
                    "participant": member.pk,
                    "team_role": member.team_role,
                    "hosted": list(member.hosted_breakouts.values_list("pk", flat=True)),
                },
                prefix=f"member-{member.pk}",
            ),
        )
        for member in members.prefetch_related("hosted_breakouts")
    ]
    context = {"workshop": workshop, "participant": actor, "add_form": add_form, "rows": rows}
    return render(request, "workshops/team.html", context)


@login_required
@require_POST
def team_member(request: HttpRequest, workshop_id: int, member_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "team.manage")
    form = forms.TeamMemberForm(workshop, request.POST, prefix=f"member-{member_id}")
    if form.is_valid():
        try:
            services.team_update(
                actor_id=actor.pk,
                member_id=form.cleaned_data["participant"].pk,
                team_role=form.cleaned_data["team_role"],
                hosted=list(form.cleaned_data["hosted"]),
            )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the form."))
    return redirect("workshops:team", workshop.pk)
