"""The report as Markdown: every text as written, its Markdown and HTML shown as text."""

import re

from .report import CardItem, Report

# CommonMark lets a backslash escape any ASCII punctuation: escape what means something.
SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def text(value: str) -> str:
    """One paragraph of user text, escaped, its line breaks kept."""
    return "  \n".join(SPECIAL.sub(r"\\\1", line) for line in value.strip().splitlines())


def render(report: Report) -> str:
    labels = report.labels
    out = [f"# {text(report.title)}", "", f"**{labels['when']}:** {text(report.when)}"]
    if report.audience:
        out.append(f"  \n**{labels['audience']}:** {text(report.audience)}")
    if report.languages:
        out.append(f"  \n**{labels['languages']}:** {text(report.languages)}")
    if report.has("background"):
        out += background(report)
    if report.has("proceedings"):
        out += proceedings(report)
    if report.has("answers"):
        out += answers(report)
    if report.has("recommendations"):
        out += recommendations(report)
    if report.has("participation"):
        out += participation(report)
    return "\n".join(out).strip() + "\n"


def background(report: Report) -> list[str]:
    labels = report.labels
    out = ["", f"## {labels['background']}", ""]
    if report.description:
        out += [text(report.description), ""]
    out += [f"### {labels['challenges']}", ""]
    for challenge in report.challenges:
        out.append(f"- **{text(challenge.title)}:** {text(challenge.question)}")
    if report.agenda:
        out += ["", f"### {labels['agenda']}", ""]
        for item in report.agenda:
            minutes = f"{item.minutes} {labels['minutes']}"
            out.append(f"- {item.when} · {text(item.title)} ({text(item.kind)}, {minutes})")
    return out


def proceedings(report: Report) -> list[str]:
    labels = report.labels
    out = ["", f"## {labels['proceedings']}"]
    for challenge in report.challenges:
        out += ["", f"### {text(challenge.title)}", "", f"*{text(challenge.question)}*"]
        for breakout in challenge.breakouts:
            out += ["", f"#### {labels['breakout']}: {text(breakout.name)}"]
            if breakout.summary:
                out += ["", f"**{labels['summary']}**", "", text(breakout.summary)]
            for cluster in breakout.clusters:
                out += ["", f"**{text(cluster.title)}** ({labels['votes']}: {cluster.votes})"]
                if cluster.key_points:
                    out += ["", f"*{labels['key_points']}:*", "", text(cluster.key_points)]
                out += ["", *(card_line(card, labels) for card in cluster.cards)]
            if breakout.loose:
                out += ["", f"**{labels['loose']}**", ""]
                out += [card_line(card, labels) for card in breakout.loose]
            if not breakout.clusters and not breakout.loose:
                out += ["", labels["no_cards"]]
    return out


def card_line(card: CardItem, labels: dict[str, str]) -> str:
    line = f"- *{card.kind}:* {text(card.text)}"
    if card.votes:
        line += f" ({labels['votes']}: {card.votes})"
    if card.author:
        line += f" — {text(card.author)}"
    return line


def answers(report: Report) -> list[str]:
    labels = report.labels
    out = ["", f"## {labels['answers']}", ""]
    if not report.answers:
        out.append(labels["no_answers"])
    for item in report.answers:
        out += [f"**{text(item.difficulty)}** ({text(item.breakout)})", ""]
        out += [f"- {text(practice)}" for practice in item.practices]
        out.append("")
    if report.themes:
        out += ["", f"### {labels['themes']}", ""]
        out += [f"- {text(theme)}" for theme in report.themes]
    return out


def recommendations(report: Report) -> list[str]:
    labels = report.labels
    out = ["", f"## {labels['recommendations']}", ""]
    if not report.recommendations:
        return [*out, labels["no_recommendations"]]
    for number, item in enumerate(report.recommendations, start=1):
        out.append(f"{number}. {text(item.text)}")
        if item.sources:
            sources = "; ".join(text(source) for source in item.sources)
            out.append(f"   *{labels['sources']}:* {sources}")
    return out


def participation(report: Report) -> list[str]:
    labels = report.labels
    out = ["", f"## {labels['participation']}", ""]
    out += [
        f"| {labels['breakout']} | {labels['people']} | {labels['cards']} | {labels['votes']} |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in report.participation:
        out.append(f"| {text(row.breakout)} | {row.people} | {row.cards} | {row.votes} |")
    total = report.total()
    out.append(f"| **{total.breakout}** | {total.people} | {total.cards} | {total.votes} |")
    return out
