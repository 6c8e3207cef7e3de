"""Clusters on a board, by hand or from suggestions. Every change logs the whole layout
of the board (ids and titles), so any client that applies it ends in the same state."""

from uuid import UUID

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops import clustering, queries
from workshops.errors import Conflict, Forbidden, Invalid, NotFound
from workshops.models import Breakout, Card, Cluster, Suggestion

from .board import (
    Ack,
    acting,
    append_event,
    board_cards,
    board_cluster,
    board_write,
    digest,
    locked_breakout,
)

CLUSTER_TITLE_MAX = 200


def _layout_change(participant_id, breakout_id, op_id, content: dict, change) -> Ack:
    """Every change of clusters: apply `change(breakout)`, drop clusters left empty,
    number the rest, and log the whole layout."""
    content_digest = digest(**content)
    with transaction.atomic():
        breakout, actor, repeat = board_write(
            participant_id, breakout_id, op_id, content_digest, "cluster.edit"
        )
        if repeat:
            return repeat
        change(breakout)
        _log_layout(breakout, actor, op_id=op_id, digest=content_digest)
        return Ack(op_id=op_id, seq=breakout.seq)


def _log_layout(breakout: Breakout, actor, **op) -> None:
    _tidy_clusters(breakout)
    append_event(breakout, "layout.changed", queries.layout_view(breakout), actor=actor, **op)


def _tidy_clusters(breakout: Breakout) -> None:
    breakout.clusters.filter(cards__isnull=True).delete()
    for position, cluster in enumerate(breakout.clusters.order_by("position", "pk"), start=1):
        if cluster.position != position:
            cluster.position = position
            cluster.save(update_fields=["position"])


def _clean_title(title: str) -> str:
    title = title.strip()
    if len(title) > CLUSTER_TITLE_MAX:
        raise Invalid(_("A title has at most %(max)d characters.") % {"max": CLUSTER_TITLE_MAX})
    return title


def _last_position(breakout: Breakout) -> int:
    return breakout.clusters.aggregate(n=Max("position"))["n"] or 0


def cluster_create(
    *, participant_id: int, breakout_id: int, card_ids: list[int], op_id: UUID, title: str = ""
) -> Ack:
    """A new cluster, last on the board, holding these cards (taken from wherever
    they were): also how a cluster is split."""
    title = _clean_title(title)

    def change(breakout):
        cards = board_cards(breakout, card_ids)
        cluster = Cluster.objects.create(
            breakout=breakout, title=title, position=_last_position(breakout) + 1
        )
        Card.objects.filter(pk__in=[c.pk for c in cards]).update(cluster=cluster)

    content = {"type": "cluster.create", "card_ids": sorted(card_ids), "title": title}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def card_move(
    *, participant_id: int, breakout_id: int, card_id: int, cluster_id: int | None, op_id: UUID
) -> Ack:
    """Put a card in a cluster, or (cluster_id None) back in its column."""

    def change(breakout):
        (card,) = board_cards(breakout, [card_id])
        card.cluster = board_cluster(breakout, cluster_id) if cluster_id is not None else None
        card.save(update_fields=["cluster"])

    content = {"type": "card.move", "card_id": card_id, "cluster_id": cluster_id}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_rename(
    *, participant_id: int, breakout_id: int, cluster_id: int, title: str, op_id: UUID
) -> Ack:
    title = _clean_title(title)

    def change(breakout):
        cluster = board_cluster(breakout, cluster_id)
        cluster.title = title
        cluster.save(update_fields=["title"])

    content = {"type": "cluster.rename", "cluster_id": cluster_id, "title": title}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_reorder(
    *, participant_id: int, breakout_id: int, cluster_id: int, position: int, op_id: UUID
) -> Ack:
    """Move a cluster to `position` (1 is first) among the board's clusters."""

    def change(breakout):
        cluster = board_cluster(breakout, cluster_id)
        others = [c for c in breakout.clusters.order_by("position", "pk") if c.pk != cluster.pk]
        others.insert(max(0, min(position - 1, len(others))), cluster)
        for number, each in enumerate(others, start=1):
            each.position = number
            each.save(update_fields=["position"])

    content = {"type": "cluster.reorder", "cluster_id": cluster_id, "position": position}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


def cluster_merge(
    *, participant_id: int, breakout_id: int, cluster_id: int, into_id: int, op_id: UUID
) -> Ack:
    """Move every card of one cluster into another; the emptied cluster goes. The
    title and key points of the one merged into stay."""
    if cluster_id == into_id:
        raise Invalid(_("Choose another cluster to merge into."))

    def change(breakout):
        source = board_cluster(breakout, cluster_id)
        target = board_cluster(breakout, into_id)
        source.cards.update(cluster=target)

    content = {"type": "cluster.merge", "cluster_id": cluster_id, "into_id": into_id}
    return _layout_change(participant_id, breakout_id, op_id, content, change)


# Suggested clusters ---------------------------------------------------------------------


def suggestion_create(*, actor_id: int, breakout_id: int, sort_only: bool = False) -> Suggestion:
    """Propose, for the board's cards in no cluster yet, the clusters made by hand that
    they clearly fit, near-duplicates, and new groups the method is confident about;
    other cards stay unsorted (`sort_only`: only the clusters made by hand). Nothing
    changes until the facilitator accepts. The suggestion is computed before anything
    is locked, so posting on the board never waits for it."""
    breakout = Breakout.objects.filter(pk=breakout_id).first()
    if breakout is None:
        raise NotFound(_("This breakout does not exist."))
    acting(actor_id, breakout.workshop_id, "breakout.steer", breakout)
    shown = list(breakout.cards.filter(hidden_at=None))
    clusters = list(breakout.clusters.all())
    given = [
        clustering.GivenCluster(
            c.title, tuple(str(card.pk) for card in shown if card.cluster_id == c.pk)
        )
        for c in clusters
    ]
    found = clustering.suggest(
        [clustering.CardText(str(c.pk), c.text, c.kind) for c in shown], given
    )
    groups = [
        {
            "title": group.title,
            "card_ids": [int(pk) for pk in group.card_ids],
            "confidence": group.confidence,
            "duplicates": group.duplicates,
            "cluster_id": None,
        }
        for group in ([] if sort_only else found.groups)
    ]
    for index, cluster in enumerate(clusters):
        into = [int(pk) for pk, chosen in found.sorted.items() if chosen == index]
        if into:
            groups.append(
                {
                    "title": cluster.title,
                    "card_ids": into,
                    "confidence": 0,
                    "duplicates": False,
                    "cluster_id": cluster.pk,
                }
            )
    return Suggestion.objects.create(breakout=breakout, groups=groups)


def suggestion_accept(*, actor_id: int, suggestion_id: int, chosen: list[int]) -> None:
    """Make clusters of the chosen groups (by their index), or sort their cards into the
    cluster they were proposed for. Cards that found a cluster or were hidden meanwhile
    stay where they are; no existing title is touched."""
    with transaction.atomic():
        suggestion, breakout, actor = _suggestion(actor_id, suggestion_id)
        if suggestion.accepted_at is not None:
            raise Conflict(_("This suggestion was already accepted."))
        created, moved = [], []
        last = _last_position(breakout)
        for index in sorted(set(chosen)):
            if not 0 <= index < len(suggestion.groups):
                raise NotFound(_("This group is not part of the suggestion."))
            group = suggestion.groups[index]
            loose = breakout.cards.filter(pk__in=group["card_ids"], cluster=None, hidden_at=None)
            into = group.get("cluster_id")
            if into is not None:
                target = breakout.clusters.filter(pk=into).first()
                if target is not None:
                    moved += list(loose.values_list("pk", flat=True))
                    loose.update(cluster=target)
                continue
            if not loose.exists():
                continue
            last += 1
            cluster = Cluster.objects.create(breakout=breakout, title=group["title"], position=last)
            loose.update(cluster=cluster)
            created.append(cluster.pk)
        suggestion.accepted_at = timezone.now()
        suggestion.created_clusters = created
        suggestion.moved_cards = moved
        suggestion.save(update_fields=["accepted_at", "created_clusters", "moved_cards"])
        _log_layout(breakout, actor)


def suggestion_undo(*, actor_id: int, suggestion_id: int) -> None:
    """Take back an accepted suggestion: its clusters go, their cards and the cards it
    sorted into clusters made by hand go back to the columns."""
    with transaction.atomic():
        suggestion, breakout, actor = _suggestion(actor_id, suggestion_id)
        if suggestion.accepted_at is None or suggestion.undone_at is not None:
            raise Conflict(_("There is nothing to undo."))
        Card.objects.filter(cluster_id__in=suggestion.created_clusters).update(cluster=None)
        breakout.cards.filter(pk__in=suggestion.moved_cards).update(cluster=None)
        Cluster.objects.filter(pk__in=suggestion.created_clusters, breakout=breakout).delete()
        suggestion.undone_at = timezone.now()
        suggestion.save(update_fields=["undone_at"])
        _log_layout(breakout, actor)


def _suggestion(actor_id: int, suggestion_id: int):
    suggestion = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound(_("This suggestion does not exist."))
    breakout = locked_breakout(suggestion.breakout_id)
    actor = acting(actor_id, breakout.workshop_id, "breakout.steer", breakout)
    if breakout.phase == Breakout.Phase.CLOSED:
        raise Forbidden(_("This board is closed: it can be read, not changed."))
    return suggestion, breakout, actor
