"""What facilitators do on a board besides moving cards: settings, suggested clusters,
suggested key points."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workshops import clustering, services
from workshops.models import Cluster, Suggestion

from .common import membership, permit


def _board(request, workshop_id, breakout_id, action="breakout.steer"):
    """The board and who acts on it, if the table of roles lets them."""
    workshop, actor = membership(request, workshop_id)
    breakout = get_object_or_404(workshop.breakouts, pk=breakout_id)
    permit(actor, action, breakout)
    return workshop, actor, breakout


def _status(request, ok: bool, text: str) -> HttpResponse:
    return render(request, "workshops/control.html#status", {"ok": ok, "text": text})


@login_required
@require_POST
def board_settings(request: HttpRequest, workshop_id: int, breakout_id: int) -> HttpResponse:
    _workshop, actor, breakout = _board(request, workshop_id, breakout_id)
    try:
        budget = int(request.POST.get("vote_budget", breakout.vote_budget))
        services.board_settings(
            actor_id=actor.pk,
            breakout_id=breakout.pk,
            participants_cluster="participants_cluster" in request.POST,
            vote_budget=budget,
            votes_visible="votes_visible" in request.POST,
        )
    except ValueError:
        return _status(request, False, _("Give a whole number of votes."))
    except services.ServiceError as exc:
        return _status(request, False, str(exc.message))
    return _status(request, True, _("Saved."))


def _preview(request, workshop, breakout, suggestion):
    texts = dict(breakout.cards.values_list("pk", "text"))
    groups = [
        {
            **g,
            "percent": round(100 * g.get("confidence", 0)),
            "cards": [texts[pk] for pk in g["card_ids"] if pk in texts],
        }
        for g in suggestion.groups
    ]
    proposed = {pk for g in suggestion.groups for pk in g["card_ids"]}
    loose = breakout.cards.filter(hidden_at=None, cluster=None).exclude(pk__in=proposed)
    context = {
        "workshop": workshop,
        "breakout": breakout,
        "suggestion": suggestion,
        "groups": groups,
        "unsorted": loose.count(),
    }
    return render(request, "workshops/suggestion.html#preview", context)


@login_required
@require_POST
def suggest(request: HttpRequest, workshop_id: int, breakout_id: int) -> HttpResponse:
    workshop, actor, breakout = _board(request, workshop_id, breakout_id)
    try:
        suggestion = services.suggestion_create(
            actor_id=actor.pk,
            breakout_id=breakout.pk,
            sort_only=request.POST.get("mode") == "sort",
        )
    except services.ServiceError as exc:
        return _status(request, False, str(exc.message))
    return _preview(request, workshop, breakout, suggestion)


@login_required
@require_POST
def suggestion_accept(request, workshop_id: int, breakout_id: int, suggestion_id: int):
    workshop, actor, breakout = _board(request, workshop_id, breakout_id)
    suggestion = get_object_or_404(Suggestion, pk=suggestion_id, breakout=breakout)
    try:
        chosen = [int(value) for value in request.POST.getlist("chosen")]
        services.suggestion_accept(actor_id=actor.pk, suggestion_id=suggestion.pk, chosen=chosen)
    except ValueError:
        return _status(request, False, _("Choose groups from the suggestion."))
    except services.ServiceError as exc:
        return _status(request, False, str(exc.message))
    suggestion.refresh_from_db()
    context = {"workshop": workshop, "breakout": breakout, "suggestion": suggestion}
    return render(request, "workshops/suggestion.html#accepted", context)


@login_required
@require_POST
def suggestion_undo(request, workshop_id: int, breakout_id: int, suggestion_id: int):
    _workshop, actor, breakout = _board(request, workshop_id, breakout_id)
    suggestion = get_object_or_404(Suggestion, pk=suggestion_id, breakout=breakout)
    try:
        services.suggestion_undo(actor_id=actor.pk, suggestion_id=suggestion.pk)
    except services.ServiceError as exc:
        return _status(request, False, str(exc.message))
    return render(request, "workshops/suggestion.html#undone")


@login_required
@require_GET
def key_points(request: HttpRequest, workshop_id: int, breakout_id: int, cluster_id: int):
    """Suggested key points of a cluster: its most representative cards, one per line."""
    _workshop, _actor, breakout = _board(request, workshop_id, breakout_id, "summary.write")
    cluster = get_object_or_404(Cluster, pk=cluster_id, breakout=breakout)
    cards = {str(c.pk): c for c in cluster.cards.filter(hidden_at=None)}
    texts = [clustering.CardText(pk, c.text, c.kind) for pk, c in cards.items()]
    lines = [f"- {cards[pk].text}" for pk in clustering.key_points(texts)]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
