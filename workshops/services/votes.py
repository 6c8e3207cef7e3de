"""Dot voting on cards and clusters, within each person's budget."""

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workshops import queries
from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import Breakout, Vote

from . import publish
from .board import Ack, append_event, board_cards, board_cluster, board_write, digest

VOTE_BUDGET_MAX = 50


def vote(
    *, participant_id: int, breakout_id: int, target: str, target_id: int, add: bool, op_id: UUID
) -> Ack:
    """Put one dot on a card or cluster, or take one back. The breakout row lock makes
    the budget hold against fast clicks and several tabs."""
    if target not in ("card", "cluster"):
        raise Invalid(_("Vote on a card or a cluster."))
    content = digest(type="vote", target=target, target_id=target_id, add=add)
    with transaction.atomic():
        breakout, actor, repeat = board_write(participant_id, breakout_id, op_id, content, "vote")
        if repeat:
            return repeat
        if breakout.phase != Breakout.Phase.VOTE:
            raise Forbidden(_("Voting is not open on this board."))
        where = {target: _vote_target(breakout, target, target_id)}
        mine = Vote.objects.filter(breakout=breakout, voter=actor)
        if add:
            if mine.count() >= breakout.vote_budget:
                raise Forbidden(
                    _("You have used all your %(n)d votes.") % {"n": breakout.vote_budget}
                )
            Vote.objects.create(breakout=breakout, voter=actor, **where)
        else:
            dot = mine.filter(**where).first()
            if dot is None:
                raise Invalid(_("You have no vote there to take back."))
            dot.delete()
        event = append_event(
            breakout,
            "votes.changed",
            queries.votes_view(breakout),
            actor=actor,
            op_id=op_id,
            digest=content,
        )
        publish.my_votes(actor.pk, breakout.pk)
    return Ack(op_id=op_id, seq=event.seq)


def _vote_target(breakout: Breakout, target: str, target_id: int):
    if target == "card":
        (card,) = board_cards(breakout, [target_id])
        if card.hidden_at is not None:
            raise NotFound(_("This card is not on this board."))
        return card
    return board_cluster(breakout, target_id)
