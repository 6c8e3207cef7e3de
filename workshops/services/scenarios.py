"""Scenario feedback boards: facilitators post prepared scenarios, participants react
to each (agree or disagree and why, concerns, ideas, ratings on the board's criteria).
Both are board writes: logged, deduplicated by op_id, published after the commit."""

from uuid import UUID

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops import queries
from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import RATING_MAX, Breakout, Reaction, Scenario

from .board import Ack, append_event, board_write, digest

TEXT_MAX = 1000
LANGUAGES = ("en", "fr", "es")


def _scenario_board(breakout: Breakout) -> None:
    if breakout.kind != Breakout.Kind.SCENARIOS:
        raise Forbidden(_("This board collects practices and difficulties, not scenarios."))


def scenario_post(
    *,
    participant_id: int,
    breakout_id: int,
    op_id: UUID,
    title: str,
    text: str,
    translations: dict | None = None,
) -> Ack:
    """A prepared scenario, optionally also in the other languages:
    {"fr": {"title": ..., "text": ...}, ...}."""
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise Invalid(_("A scenario needs a title and a text."))
    translations = {
        code: {"title": t["title"].strip(), "text": t["text"].strip()}
        for code, t in (translations or {}).items()
        if code in LANGUAGES and t.get("title", "").strip() and t.get("text", "").strip()
    }
    content = digest(type="scenario.post", title=title, text=text, translations=translations)
    with transaction.atomic():
        breakout, actor, repeat = board_write(
            participant_id, breakout_id, op_id, content, "scenario.post"
        )
        if repeat:
            return repeat
        _scenario_board(breakout)
        last = breakout.scenarios.aggregate(last=Max("position"))["last"] or 0
        scenario = Scenario.objects.create(
            breakout=breakout,
            position=last + 1,
            title=title[:200],
            text=text,
            translations=translations,
        )
        payload = {"scenario": queries.scenario_view(scenario)}
        event = append_event(
            breakout, "scenario.posted", payload, actor=actor, op_id=op_id, digest=content
        )
    return Ack(op_id=op_id, seq=event.seq)


def scenario_react(
    *,
    participant_id: int,
    scenario_id: int,
    op_id: UUID,
    stance: str,
    reason: str = "",
    concerns: str = "",
    ideas: str = "",
    ratings: dict | None = None,
) -> Ack:
    """A participant's feedback on a scenario; sending again replaces their earlier one.
    Everyone on the board then sees the scenario's results (never who said what)."""
    if stance not in Reaction.Stance.values:
        raise Invalid(_("Say whether you agree or disagree."))
    texts = {"reason": reason.strip(), "concerns": concerns.strip(), "ideas": ideas.strip()}
    if any(len(value) > TEXT_MAX for value in texts.values()):
        raise Invalid(_("Each answer can have at most %(max)d characters.") % {"max": TEXT_MAX})
    ratings = ratings or {}
    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound(_("This scenario does not exist."))
    content = digest(
        type="scenario.react", scenario=scenario_id, stance=stance, ratings=ratings, **texts
    )
    with transaction.atomic():
        breakout, actor, repeat = board_write(
            participant_id, scenario.breakout_id, op_id, content, "scenario.react"
        )
        if repeat:
            return repeat
        _scenario_board(breakout)
        if breakout.phase != Breakout.Phase.COLLECT:
            raise Forbidden(_("Posting is closed in this phase of the board."))
        unknown = set(ratings) - set(breakout.criteria)
        if unknown or not all(1 <= value <= RATING_MAX for value in ratings.values()):
            raise Invalid(_("Rate each criterion from 1 to %(max)d.") % {"max": RATING_MAX})
        Reaction.objects.update_or_create(
            scenario=scenario,
            participant=actor,
            defaults={**texts, "stance": stance, "ratings": ratings, "updated_at": timezone.now()},
        )
        payload = queries.scenario_results(scenario, breakout.criteria)
        event = append_event(
            breakout, "scenario.results", payload, actor=actor, op_id=op_id, digest=content
        )
    return Ack(op_id=op_id, seq=event.seq)
