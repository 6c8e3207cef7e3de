"""Series of workshops: the public page, its calendar feed and published reports, and
the organisers' page (details, sessions, who took part where)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workshops import export, forms, queries, roles, services
from workshops.export import calendar
from workshops.export import report as report_data
from workshops.models import Series, Workshop

from .common import membership


def series_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Past and coming sessions, filtered by theme and region; times shown in the
    viewer's own time zone by the page."""
    series = get_object_or_404(Series, slug=slug)
    filters = forms.SeriesFilterForm(series, request.GET or None)
    sessions = series.sessions.order_by("starts_at")
    if filters.is_valid():
        if theme := filters.cleaned_data["theme"]:
            sessions = sessions.filter(theme=theme)
        if region := filters.cleaned_data["region"]:
            sessions = sessions.filter(region="" if region == "global" else region)
    now = timezone.now()
    context = {
        "series": series,
        "filters": filters,
        "coming": [s for s in sessions if s.ends_at >= now],
        "past": [s for s in sessions if s.ends_at < now][::-1],
        "organiser": roles.organises(request.user, series),
    }
    return render(request, "workshops/series.html", context)


def series_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series, slug=slug)
    sessions = list(series.sessions.order_by("starts_at"))

    def url_of(workshop: Workshop) -> str:
        return request.build_absolute_uri(reverse("workshops:apply", args=[workshop.pk]))

    response = HttpResponse(
        calendar.for_series(series, sessions, url_of), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{series.slug}.ics"'
    return response


def _published(slug: str, workshop_id: int) -> Workshop:
    return get_object_or_404(Workshop, pk=workshop_id, series__slug=slug, report_published=True)


@require_GET
def series_report(request: HttpRequest, slug: str, workshop_id: int) -> HttpResponse:
    """A session's report, once its lead published it on the series page."""
    workshop = _published(slug, workshop_id)
    context = {
        "workshop": workshop,
        "download_url": reverse("workshops:series-report-download", args=[slug, workshop.pk]),
        "report": report_data.build(
            workshop, request.LANGUAGE_CODE, report_data.Options.of(workshop)
        ),
        "formats": export.REPORT_FORMATS,
    }
    return render(request, "workshops/shared_report.html", context)


@require_GET
def series_report_download(request: HttpRequest, slug: str, workshop_id: int):
    workshop = _published(slug, workshop_id)
    fmt = request.GET.get("format", "")
    if fmt not in export.REPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    download = export.export(workshop, fmt, request.GET.get("lang", request.LANGUAGE_CODE))
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@login_required
def series_new(request: HttpRequest) -> HttpResponse:
    form = forms.SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_save(user=request.user, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("workshops:series-manage", series.slug)
    return render(request, "workshops/series_edit.html", {"form": form})


def _organised(request: HttpRequest, slug: str) -> Series:
    series = get_object_or_404(Series, slug=slug)
    if not roles.organises(request.user, series):
        raise PermissionDenied(_("Only the organisers of this series can do this."))
    return series


@login_required
def series_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The series' details, its sessions, and who took part in which session."""
    series = _organised(request, slug)
    form = forms.SeriesForm(request.POST or None, instance=series)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_save(
                user=request.user, series_id=series.pk, **form.cleaned_data
            )
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Series saved."))
            return redirect("workshops:series-manage", series.slug)
    series.refresh_from_db()
    sessions, people = queries.series_participation(series)
    context = {
        "series": series,
        "form": form,
        "session_form": forms.SessionForm(series, request.user),
        "sessions": sessions,
        "people": people,
    }
    return render(request, "workshops/series_manage.html", context)


@login_required
@require_POST
def series_session(request: HttpRequest, slug: str) -> HttpResponse:
    series = _organised(request, slug)
    form = forms.SessionForm(series, request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a workshop you lead."))
    else:
        try:
            services.series_session_set(
                user=request.user,
                series_id=series.pk,
                workshop_id=form.cleaned_data["workshop"].pk,
                theme=form.cleaned_data["theme"],
                region=form.cleaned_data["region"],
            )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Session saved."))
    return redirect("workshops:series-manage", series.slug)


@login_required
@require_POST
def series_session_remove(request: HttpRequest, slug: str, workshop_id: int):
    series = _organised(request, slug)
    services.series_session_remove(user=request.user, series_id=series.pk, workshop_id=workshop_id)
    messages.success(request, _("The workshop is no longer a session of this series."))
    return redirect("workshops:series-manage", series.slug)


@login_required
@require_POST
def report_publish(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Link the report from the series page, or stop."""
    workshop, actor = membership(request, workshop_id, "report.share")
    if workshop.series_id is None:
        raise Http404
    services.report_publish(
        actor_id=actor.pk, workshop_id=workshop.pk, published="publish" in request.POST
    )
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#share")
