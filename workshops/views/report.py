"""The report of a workshop: its live draft for the team, the recommendations they
write, the downloads in every format, and the read-only links to share it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workshops import export, forms, queries, roles, services
from workshops.export import report as report_data
from workshops.models import Recommendation, ReportLink

from .common import membership, permit

# Who may download each format: the report and the cards for the team, the whole
# workshop (with everyone's details) for the lead.
DATA_FORMATS = {"csv": "report.view", "xlsx": "report.view", "json": "workshop.prepare"}
NEW_LINK = "new_report_link"


def _options(request, workshop) -> report_data.Options:
    """The facilitator's options, and the reader's choice of the cards' language."""
    return report_data.Options.of(workshop, request.GET.get("cards", ""))


def _draft(request, workshop):
    """The report as it stands, in the page's language, with the facilitator's options."""
    return report_data.build(workshop, request.LANGUAGE_CODE, _options(request, workshop))


@login_required
def report(request: HttpRequest, workshop_id: int, new_form=None) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    items = [
        (
            item,
            forms.RecommendationForm(
                workshop,
                initial={
                    "text": item.text,
                    "version": item.version,
                    "clusters": list(item.clusters.all()),
                    "cards": list(item.cards.all()),
                },
                prefix=f"rec-{item.pk}",
            ),
        )
        for item in queries.recommendations(workshop)
    ]
    options = forms.ReportOptionsForm(
        initial={"sections": workshop.report_sections, "authors": workshop.report_authors}
    )
    context = {
        "workshop": workshop,
        "participant": actor,
        "report": _draft(request, workshop),
        "cards_language": _options(request, workshop).cards_language,
        "items": items,
        "new_form": new_form or forms.RecommendationForm(workshop, prefix="new"),
        "options_form": options,
        "formats": _formats_for(actor),
        "can_write": roles.allows(actor, "report.write"),
        "can_share": roles.allows(actor, "report.share"),
        "links": workshop.report_links.filter(revoked_at=None).order_by("created_at"),
        "new_link": request.session.pop(NEW_LINK, None),
    }
    return render(request, "workshops/report.html", context)


def _formats_for(actor) -> list[str]:
    data = [fmt for fmt, action in DATA_FORMATS.items() if roles.allows(actor, action)]
    return [*export.REPORT_FORMATS, *(fmt for fmt in data if fmt in export.FORMATS)]


@login_required
@require_GET
def draft(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The report document alone: the report page reloads it as the session goes on."""
    workshop, _actor = membership(request, workshop_id, "report.view")
    context = {"report": _draft(request, workshop)}
    return render(request, "workshops/report_document.html#document", context)


@login_required
@require_GET
def download(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    fmt = request.GET.get("format", "")
    if fmt in DATA_FORMATS:
        permit(actor, DATA_FORMATS[fmt])
    if fmt not in export.FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    language = request.GET.get("lang", "")
    return _attachment(export.export(workshop, fmt, language, _options(request, workshop)))


def _attachment(made: export.Export) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@login_required
@require_POST
def report_options(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    form = forms.ReportOptionsForm(request.POST)
    if form.is_valid():
        try:
            services.report_options_save(
                actor_id=actor.pk, workshop_id=workshop.pk, **form.cleaned_data
            )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#report-options")


@login_required
@require_POST
def share(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    try:
        token = services.report_link_create(actor_id=actor.pk, workshop_id=workshop.pk)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        request.session[NEW_LINK] = request.build_absolute_uri(
            reverse("workshops:shared-report", args=[token])
        )
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#share")


@login_required
@require_POST
def share_revoke(request: HttpRequest, workshop_id: int, link_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    get_object_or_404(ReportLink, pk=link_id, workshop=workshop)
    try:
        services.report_link_revoke(actor_id=actor.pk, workshop_id=workshop.pk, link_id=link_id)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link no longer opens the report."))
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#share")


def _shared(token: str):
    try:
        return services.report_link_for_token(token).workshop
    except services.NotFound as exc:
        raise Http404(str(exc.message)) from None


@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The report for anyone with the link, its headings in the reader's language."""
    workshop = _shared(token)
    context = {
        "workshop": workshop,
        "token": token,
        "cards_language": _options(request, workshop).cards_language,
        "report": report_data.build(workshop, request.LANGUAGE_CODE, _options(request, workshop)),
        "formats": export.REPORT_FORMATS,
    }
    return render(request, "workshops/shared_report.html", context)


@require_GET
def shared_download(request: HttpRequest, token: str) -> HttpResponse:
    workshop = _shared(token)
    fmt = request.GET.get("format", "")
    if fmt not in export.REPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    language = request.GET.get("lang", request.LANGUAGE_CODE)
    return _attachment(export.export(workshop, fmt, language, _options(request, workshop)))


@login_required
@require_POST
def recommendation_save(request, workshop_id: int, recommendation_id: int | None = None):
    workshop, actor = membership(request, workshop_id, "report.view")
    prefix = f"rec-{recommendation_id}" if recommendation_id else "new"
    form = forms.RecommendationForm(workshop, request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Check the recommendation."))
        return report(request, workshop_id, new_form=None if recommendation_id else form)
    try:
        services.recommendation_save(
            actor_id=actor.pk,
            workshop_id=workshop.pk,
            text=form.cleaned_data["text"],
            clusters=list(form.cleaned_data["clusters"]),
            cards=list(form.cleaned_data["cards"]),
            recommendation_id=recommendation_id,
            version=form.cleaned_data["version"] or 0,
        )
    except services.TextConflict as exc:
        messages.error(
            request,
            _("%(why)s Their text: %(text)s") % {"why": exc.message, "text": exc.data["current"]},
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#recommendations")


@login_required
@require_POST
def recommendation_delete(request, workshop_id: int, recommendation_id: int):
    workshop, actor = membership(request, workshop_id, "report.view")
    get_object_or_404(Recommendation, pk=recommendation_id, workshop=workshop)
    try:
        services.recommendation_delete(
            actor_id=actor.pk, workshop_id=workshop.pk, recommendation_id=recommendation_id
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#recommendations")
