"""The workshop's recommendations, linked to the clusters and cards they came from."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from workshops.errors import Invalid, NotFound, TextConflict
from workshops.models import Recommendation, Workshop

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
