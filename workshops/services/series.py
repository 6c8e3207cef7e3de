"""Series of workshops: their public page, their sessions, and published reports."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workshops import roles
from workshops.errors import Invalid, NotFound
from workshops.models import Participant, Series, Workshop

from .board import acting


def _organised(user, series_id: int) -> Series:
    series = Series.objects.select_for_update().filter(pk=series_id).first()
    if series is None:
        raise NotFound(_("This series does not exist."))
    roles.require_organiser(user, series)
    return series


def series_save(*, user, series_id: int | None = None, **fields) -> Series:
    """Create a series (its creator organises it) or change one its organisers run."""
    fields["themes"] = [theme.strip() for theme in fields.get("themes", []) if theme.strip()]
    with transaction.atomic():
        if series_id is None:
            if Series.objects.filter(slug=fields["slug"]).exists():
                raise Invalid(_("Another series has this address."))
            series = Series.objects.create(**fields)
            series.organisers.add(user)
            return series
        series = _organised(user, series_id)
        if Series.objects.filter(slug=fields["slug"]).exclude(pk=series.pk).exists():
            raise Invalid(_("Another series has this address."))
        for name, value in fields.items():
            setattr(series, name, value)
        series.save()
        return series


def series_session_set(
    *, user, series_id: int, workshop_id: int, theme: str = "", region: str = ""
) -> None:
    """Put a workshop the user leads into the series (or change its theme and region)."""
    with transaction.atomic():
        series = _organised(user, series_id)
        if theme and theme not in series.themes:
            raise Invalid(_("Choose one of the series’ thematic areas."))
        workshop = Workshop.objects.select_for_update().filter(pk=workshop_id).first()
        lead = Participant.objects.active().filter(workshop=workshop, user=user).first()
        if workshop is None or lead is None:
            raise NotFound(_("You do not lead this workshop."))
        roles.require(lead, "workshop.prepare")
        workshop.series, workshop.theme, workshop.region = series, theme, region.strip()
        workshop.save(update_fields=["series", "theme", "region"])


def series_session_remove(*, user, series_id: int, workshop_id: int) -> None:
    with transaction.atomic():
        series = _organised(user, series_id)
        Workshop.objects.filter(pk=workshop_id, series=series).update(series=None)


def report_publish(*, actor_id: int, workshop_id: int, published: bool) -> None:
    """Link (or stop linking) the workshop's report from its series' public page."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop_id, "report.share")
        workshop.report_published = published
        workshop.save(update_fields=["report_published"])
