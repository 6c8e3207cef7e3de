"""Links from a difficulty to the practices that answer it, from any breakout of the
workshop, and the suggested answers the team turned down.

A link is logged on the difficulty's board as the whole list of that difficulty's
answers (`answers.changed`), so any client that applies it ends in the same state.
Links reach across boards, so every write here locks all the boards of the workshop,
in the order every other workshop-wide write locks them."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workshops import queries
from workshops.errors import Conflict, Invalid, NotFound
from workshops.models import AnswerDismissal, AnswerLink, Breakout, Card, Participant

from .board import acting, append_event

NOTE_MAX = 300


def lock_workshop_boards(workshop_id: int) -> dict[int, Breakout]:
    boards = Breakout.objects.select_for_update().filter(workshop_id=workshop_id)
    return {board.pk: board for board in boards}


def _card(card_id: int, kind: str) -> Card:
    card = Card.objects.select_related("breakout").filter(pk=card_id).first()
    if card is None:
        raise NotFound(_("This card does not exist."))
    if card.kind != kind:
        if kind == Card.Kind.DIFFICULTY:
            raise Invalid(_("Only a difficulty can be answered."))
        raise Invalid(_("Only a practice can answer a difficulty."))
    return card


def _linking(actor_id: int, difficulty_id: int) -> tuple[Card, dict[int, Breakout], Participant]:
    """The difficulty, every board of its workshop (locked), and who acts."""
    difficulty = _card(difficulty_id, Card.Kind.DIFFICULTY)
    boards = lock_workshop_boards(difficulty.breakout.workshop_id)
    actor = acting(actor_id, difficulty.breakout.workshop_id, "answer.link", difficulty.breakout)
    return difficulty, boards, actor


def answer_link(
    *, actor_id: int, difficulty_id: int, practice_id: int, note: str = ""
) -> AnswerLink:
    """Link a practice, from any breakout of the workshop, to a difficulty it answers."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid(_("A note has at most %(max)d characters.") % {"max": NOTE_MAX})
    with transaction.atomic():
        difficulty, boards, actor = _linking(actor_id, difficulty_id)
        practice = _card(practice_id, Card.Kind.PRACTICE)
        if practice.breakout_id not in boards:
            raise NotFound(_("This card does not exist."))
        if difficulty.hidden_at or practice.hidden_at:
            raise Invalid(_("A hidden card cannot be linked."))
        if AnswerLink.objects.filter(difficulty=difficulty, practice=practice).exists():
            raise Conflict(_("This practice is already linked to this difficulty."))
        link = AnswerLink.objects.create(
            difficulty=difficulty, practice=practice, note=note, created_by=actor
        )
        log_answers(boards[difficulty.breakout_id], difficulty.pk, actor)
    return link


def answer_unlink(*, actor_id: int, link_id: int) -> None:
    with transaction.atomic():
        link = AnswerLink.objects.filter(pk=link_id).first()
        if link is None:
            raise NotFound(_("This link does not exist any more."))
        difficulty, boards, actor = _linking(actor_id, link.difficulty_id)
        link.delete()
        log_answers(boards[difficulty.breakout_id], difficulty.pk, actor)


def answer_dismiss(*, actor_id: int, difficulty_id: int, practice_id: int) -> None:
    """Turn down a suggested answer: it is never suggested for this difficulty again."""
    with transaction.atomic():
        difficulty, _boards, actor = _linking(actor_id, difficulty_id)
        practice = _card(practice_id, Card.Kind.PRACTICE)
        if practice.breakout.workshop_id != difficulty.breakout.workshop_id:
            raise NotFound(_("This card does not exist."))
        AnswerDismissal.objects.get_or_create(
            difficulty=difficulty, practice=practice, defaults={"dismissed_by": actor}
        )


def log_answers(breakout: Breakout, difficulty_id: int, actor: Participant | None) -> None:
    """Log the whole list of a difficulty's answers on its board."""
    payload = {
        "difficulty": difficulty_id,
        "links": queries.answers_of([difficulty_id])[difficulty_id],
    }
    append_event(breakout, "answers.changed", payload, actor=actor)


def answers_follow_card(card: Card, boards: dict[int, Breakout], actor: Participant) -> None:
    """A card was hidden or shown again: the answers that show it are logged again."""
    difficulty_ids = set(
        AnswerLink.objects.filter(practice=card).values_list("difficulty_id", flat=True)
    )
    if AnswerLink.objects.filter(difficulty=card).exists():
        difficulty_ids.add(card.pk)
    for difficulty in Card.objects.filter(pk__in=difficulty_ids).order_by("pk"):
        log_answers(boards[difficulty.breakout_id], difficulty.pk, actor)
