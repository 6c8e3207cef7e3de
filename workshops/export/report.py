"""The outcome report as data: built once, in the reader's language, and rendered by
each format (markdown.py, html.py, pdf.py, word.py). Hidden cards are left out, an
anonymous card has no author to show, and authors' names appear only when the
facilitator chose so.

Its structure follows the reports city networks write after such a session: the
background (themes, questions, agenda), a summary of the proceedings per challenge and
breakout with the key points, the recommendations with where they came from, and how
many took part.
"""

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops import languages, queries
from workshops.models import REPORT_SECTIONS, AnswerLink, Breakout, Card, Participant, Workshop

SECTION_TITLES = {
    "background": gettext_lazy("Background"),
    "proceedings": gettext_lazy("Summary of the proceedings"),
    "answers": gettext_lazy("Difficulties and the practices that answer them"),
    "recommendations": gettext_lazy("Recommendations"),
    "participation": gettext_lazy("Participation"),
}


@dataclass(frozen=True)
class Options:
    """What the facilitator chose to put in: sections, and whether authors are named;
    and, for one reading, only the cards written in one language ("": all)."""

    sections: tuple[str, ...] = REPORT_SECTIONS
    authors: bool = False
    cards_language: str = ""

    @classmethod
    def of(cls, workshop: Workshop, cards_language: str = "") -> "Options":
        chosen = tuple(s for s in REPORT_SECTIONS if s in workshop.report_sections)
        if cards_language not in languages.CODES:
            cards_language = ""
        return cls(chosen, workshop.report_authors, cards_language)


@dataclass
class CardItem:
    kind: str  # "Practice" or "Difficulty", in the reader's language
    text: str
    votes: int
    author: str  # "" when not shown; "Anonymous" (translated) for an anonymous card


@dataclass
class ClusterItem:
    title: str
    key_points: str
    votes: int
    cards: list[CardItem]


@dataclass
class BreakoutItem:
    name: str
    summary: str
    clusters: list[ClusterItem]
    loose: list[CardItem]  # the cards in no cluster


@dataclass
class ChallengeItem:
    title: str
    question: str
    breakouts: list[BreakoutItem]


@dataclass
class AgendaItem:
    when: str
    title: str
    kind: str
    minutes: int


@dataclass
class AnswerItem:
    difficulty: str
    breakout: str
    practices: list[str]  # "text (Breakout) — note", as the reader reads it


@dataclass
class RecommendationItem:
    text: str
    sources: list[str]  # "Cluster title (Breakout)" and card texts


@dataclass
class ParticipationRow:
    breakout: str
    people: int
    cards: int
    votes: int


@dataclass
class Report:
    language: str
    title: str
    when: str
    audience: str
    languages: str
    sections: tuple[str, ...]
    labels: dict[str, str]  # every heading and label, in the reader's language
    description: str = ""
    challenges: list[ChallengeItem] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    answers: list[AnswerItem] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # "Title: Breakout 1 (3), Breakout 2 (1)"
    recommendations: list[RecommendationItem] = field(default_factory=list)
    participation: list[ParticipationRow] = field(default_factory=list)

    def has(self, section: str) -> bool:
        return section in self.sections

    def total(self) -> ParticipationRow:
        rows = self.participation
        return ParticipationRow(
            self.labels["total"],
            sum(r.people for r in rows),
            sum(r.cards for r in rows),
            sum(r.votes for r in rows),
        )


def build(workshop: Workshop, language: str, options: Options) -> Report:
    with translation.override(language):
        report = Report(
            language=language,
            title=workshop.title,
            when=when(workshop),
            audience=workshop.audience,
            languages=languages_of(workshop, options.cards_language),
            sections=options.sections,
            labels=labels(),
            description=workshop.background,
            challenges=proceedings(workshop, options),
            agenda=agenda(workshop),
            answers=answers(workshop) if "answers" in options.sections else [],
            themes=themes(workshop) if "answers" in options.sections else [],
            recommendations=recommendations(workshop),
            participation=participation(workshop),
        )
    return report


def labels() -> dict[str, str]:
    return {
        **{key: str(title) for key, title in SECTION_TITLES.items()},
        "when": _("Date and time"),
        "audience": _("Audience"),
        "languages": _("Languages"),
        "challenges": _("Challenges and questions"),
        "agenda": _("Agenda"),
        "summary": _("Summary of the breakout"),
        "key_points": _("Key points"),
        "cards": _("Cards"),
        "loose": _("Cards in no cluster"),
        "no_cards": _("No cards were posted in this breakout."),
        "no_recommendations": _("No recommendations were written."),
        "no_answers": _("No difficulty was linked to a practice."),
        "themes": _("Themes raised in several breakouts"),
        "sources": _("From"),
        "breakout": _("Breakout"),
        "people": _("People"),
        "votes": _("Votes"),
        "total": _("Total"),
        "minutes": _("min"),
        "generated": _("Generated by Facilitate"),
    }


def when(workshop: Workshop) -> str:
    """The workshop's date and time in its own time zone, the zone named."""
    zone = ZoneInfo(workshop.timezone)
    starts, ends = workshop.starts_at.astimezone(zone), workshop.ends_at.astimezone(zone)
    day = formats.date_format(starts, "DATE_FORMAT")
    start, end = (formats.time_format(t, "TIME_FORMAT") for t in (starts, ends))
    return f"{day}, {start}–{end} ({workshop.timezone}, {starts.tzname()})"


def languages_of(workshop: Workshop, cards_language: str) -> str:
    """The workshop's languages; and when the report shows the cards of one, which."""
    names = dict(settings.LANGUAGES)
    codes = [workshop.language, *(c for c in workshop.languages if c != workshop.language)]
    spoken = ", ".join(str(names[code]) for code in codes if code in names)
    if not cards_language:
        return spoken
    only = _("This report shows only the cards written in %(language)s.") % {
        "language": names[cards_language]
    }
    return f"{spoken}. {only}"


def agenda(workshop: Workshop) -> list[AgendaItem]:
    zone = ZoneInfo(workshop.timezone)
    return [
        AgendaItem(
            when=formats.time_format(segment.starts_at.astimezone(zone), "TIME_FORMAT"),
            title=segment.title,
            kind=str(segment.get_kind_display()),
            minutes=segment.duration_minutes,
        )
        for segment in workshop.segments.all()
    ]


def proceedings(workshop: Workshop, options: Options) -> list[ChallengeItem]:
    votes = vote_counts(workshop)
    challenges = []
    for challenge in workshop.challenges.prefetch_related("breakouts__clusters"):
        breakouts = [
            breakout_item(breakout, votes, options) for breakout in challenge.breakouts.all()
        ]
        challenges.append(ChallengeItem(challenge.title, challenge.question, breakouts))
    return challenges


def breakout_item(breakout, votes: Counter, options: Options) -> BreakoutItem:
    if breakout.kind == Breakout.Kind.SCENARIOS:
        return BreakoutItem(breakout.name, breakout.summary, scenario_items(breakout), [])
    cards = breakout.cards.filter(hidden_at=None).select_related("author")
    if options.cards_language:
        cards = cards.filter(language=options.cards_language)
    in_cluster: dict[int, list[CardItem]] = {c.pk: [] for c in breakout.clusters.all()}
    loose = []
    for card in cards:
        item = card_item(card, votes, options)
        if card.cluster_id in in_cluster:
            in_cluster[card.cluster_id].append(item)
        else:
            loose.append(item)
    clusters = [
        ClusterItem(
            title=cluster.title or _("Untitled cluster"),
            key_points=cluster.key_points,
            votes=votes[("cluster", cluster.pk)],
            cards=in_cluster[cluster.pk],
        )
        for cluster in breakout.clusters.all()
        if in_cluster[cluster.pk]
    ]
    return BreakoutItem(breakout.name, breakout.summary, clusters, loose)


def scenario_items(breakout) -> list[ClusterItem]:
    """Each scenario with its results, as a cluster: the counts and ratings as its key
    points, the answers (never who gave them) as its cards."""
    items = []
    for scenario in breakout.scenarios.prefetch_related("reactions"):
        results = queries.scenario_results(scenario, breakout.criteria)
        lines = [
            _("Agree: %(agree)d · Disagree: %(disagree)d")
            % {"agree": results["agree"], "disagree": results["disagree"]}
        ]
        lines += [
            _("%(criterion)s: %(average)s / 5 (%(count)d ratings)")
            % {"criterion": name, "average": r["average"] or "—", "count": r["count"]}
            for name, r in results["ratings"].items()
        ]
        kinds = {
            "reasons_agree": _("Why people agree"),
            "reasons_disagree": _("Why people disagree"),
            "concerns": _("Concerns"),
            "ideas": _("Ideas"),
        }
        answers = [
            CardItem(str(label), text, 0, "")
            for key, label in kinds.items()
            for text in results[key]
        ]
        items.append(ClusterItem(scenario.title, "\n".join(lines), 0, answers))
    return items


def card_item(card: Card, votes: Counter, options: Options) -> CardItem:
    author = ""
    if options.authors:
        author = card.author.display_name if card.author_id else _("Anonymous")
    return CardItem(str(card.get_kind_display()), card.text, votes[("card", card.pk)], author)


def vote_counts(workshop: Workshop) -> Counter:
    counts = Counter()
    votes = workshop.breakouts.values_list("votes__card_id", "votes__cluster_id")
    for card_id, cluster_id in votes:
        if card_id:
            counts[("card", card_id)] += 1
        elif cluster_id:
            counts[("cluster", cluster_id)] += 1
    return counts


def answers(workshop: Workshop) -> list[AnswerItem]:
    """Each difficulty linked to practices, both shown (hidden cards are left out)."""
    links = (
        AnswerLink.objects.filter(
            difficulty__breakout__workshop=workshop,
            difficulty__hidden_at=None,
            practice__hidden_at=None,
        )
        .select_related("difficulty__breakout", "practice__breakout")
        .order_by("difficulty__breakout__position", "difficulty_id", "created_at")
    )
    items: dict[int, AnswerItem] = {}
    for link in links:
        difficulty = link.difficulty
        item = items.setdefault(
            difficulty.pk, AnswerItem(difficulty.text, difficulty.breakout.name, [])
        )
        practice = f"{link.practice.text} ({link.practice.breakout.name})"
        item.practices.append(f"{practice} — {link.note}" if link.note else practice)
    return list(items.values())


def themes(workshop: Workshop) -> list[str]:
    cards = list(
        Card.objects.filter(breakout__workshop=workshop, hidden_at=None).select_related("breakout")
    )
    breakouts = list(workshop.breakouts.all())
    lines = []
    for theme in queries.recurring_themes(cards, breakouts):
        counts = ", ".join(
            f"{b.name} ({n})" for b, n in zip(breakouts, theme["counts"], strict=True) if n
        )
        lines.append(f"{theme['title']}: {counts}")
    return lines


def recommendations(workshop: Workshop) -> list[RecommendationItem]:
    items = []
    for item in workshop.recommendations.prefetch_related("clusters__breakout", "cards"):
        sources = [
            f"{cluster.title or _('Untitled cluster')} ({cluster.breakout.name})"
            for cluster in item.clusters.all()
        ]
        sources += [card.text for card in item.cards.all() if card.hidden_at is None]
        items.append(RecommendationItem(item.text, sources))
    return items


def participation(workshop: Workshop) -> list[ParticipationRow]:
    """How many people sat in each breakout, and what they posted and voted: numbers only."""
    people = Participant.objects.active().filter(role=Participant.Role.PARTICIPANT)
    breakouts = workshop.breakouts.annotate(
        people=Count("members", filter=Q(members__in=people), distinct=True),
        shown=Count("cards", filter=Q(cards__hidden_at=None), distinct=True),
        dots=Count("votes", distinct=True),
    )
    return [ParticipationRow(b.name, b.people, b.shown, b.dots) for b in breakouts]
