"""The report: recommendations linked to the clusters and cards they came from, the
report's options, and the read-only links to it."""

import secrets

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.errors import Invalid, NotFound, TextConflict
from workshops.models import REPORT_SECTIONS, Invite, Recommendation, ReportLink, Workshop

from .board import acting
from .publish import recommendations_changed
from .summaries import SUMMARY_MAX


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
    if any(c.breakout.workshop_id != workshop_id for c in [*clusters, *cards]):
        raise NotFound(_("This cluster or card is not in this workshop."))
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop_id, "report.write")
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
                raise TextConflict(item.text, item.version)
        item.text = text
        item.version += 1
        item.save()
        item.clusters.set(clusters)
        item.cards.set(cards)
        recommendations_changed(workshop_id)
        return item


def recommendation_delete(*, actor_id: int, workshop_id: int, recommendation_id: int) -> None:
    with transaction.atomic():
        acting(actor_id, workshop_id, "report.write")
        Recommendation.objects.filter(pk=recommendation_id, workshop_id=workshop_id).delete()
        recommendations_changed(workshop_id)


def report_options_save(*, actor_id: int, workshop_id: int, sections: list[str], authors: bool):
    """Which sections the report has, and whether it names the cards' authors."""
    if any(section not in REPORT_SECTIONS for section in sections):
        raise Invalid(_("Unknown section of the report."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop_id, "report.write")
        workshop.report_sections = [s for s in REPORT_SECTIONS if s in sections]
        workshop.report_authors = authors
        workshop.save(update_fields=["report_sections", "report_authors"])


def report_link_create(*, actor_id: int, workshop_id: int) -> str:
    """A read-only link to the report for people without an account; returns its token,
    the only time it is known."""
    with transaction.atomic():
        actor = acting(actor_id, workshop_id, "report.share")
        token = secrets.token_urlsafe(32)
        ReportLink.objects.create(
            workshop_id=workshop_id, token_hash=Invite.hash_token(token), created_by=actor
        )
        return token


def report_link_revoke(*, actor_id: int, workshop_id: int, link_id: int) -> None:
    with transaction.atomic():
        acting(actor_id, workshop_id, "report.share")
        link = ReportLink.objects.filter(pk=link_id, workshop_id=workshop_id).first()
        if link is None:
            raise NotFound(_("This link does not exist."))
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])


def report_link_for_token(token: str) -> ReportLink:
    link = ReportLink.objects.filter(token_hash=Invite.hash_token(token)).first()
    if link is None or link.revoked_at is not None:
        raise NotFound(_("This link to the report is not valid, or it was withdrawn."))
    return link
