"""The cards as data for facilitators, one row per card, as CSV or XLSX. Unlike the
report, hidden cards are in (marked hidden), and an anonymous card says so.

Any text cell that a spreadsheet would read as a formula is neutralised with a leading
quote (OWASP "CSV injection"): card texts and names are written by participants."""

import csv
import io
from datetime import UTC
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workshops.models import Card, Workshop

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDEST_COLUMN = 60


def header() -> list[str]:
    return [
        pgettext("cards column", "Workshop"),
        pgettext("cards column", "Challenge"),
        pgettext("cards column", "Breakout"),
        pgettext("cards column", "Kind"),
        pgettext("cards column", "Text"),
        pgettext("cards column", "Language"),
        pgettext("cards column", "Cluster"),
        pgettext("cards column", "Votes"),
        pgettext("cards column", "Created (UTC)"),
        pgettext("cards column", "Created (local time)"),
        pgettext("cards column", "Time zone"),
        pgettext("cards column", "Author"),
        pgettext("cards column", "Hidden"),
    ]


def as_csv(workshop: Workshop, language: str) -> bytes:
    with translation.override(language):
        return to_csv(rows(workshop))


def as_xlsx(workshop: Workshop, language: str) -> bytes:
    with translation.override(language):
        return to_xlsx(rows(workshop), sheet_title=_("Cards"))


def rows(workshop: Workshop) -> list[list]:
    """The header, then one row per card in the order of the challenges and breakouts;
    words in the active language."""
    cards = (
        Card.objects.filter(breakout__workshop=workshop)
        .select_related("breakout__challenge", "cluster", "author")
        .annotate(vote_count=Count("vote"))
        .order_by("breakout__challenge__position", "breakout__position", "pk")
    )
    return [header()] + [card_row(workshop, card) for card in cards]


def card_row(workshop: Workshop, card: Card) -> list:
    created = card.created_at.replace(microsecond=0)
    return [
        workshop.title,
        card.breakout.challenge.title,
        card.breakout.name,
        str(card.get_kind_display()),
        card.text,
        card.language,
        cluster_title(card),
        card.vote_count,
        created.astimezone(UTC).isoformat(),
        created.astimezone(ZoneInfo(workshop.timezone)).isoformat(),
        workshop.timezone,
        card.author.display_name if card.author_id else _("Anonymous"),
        _("yes") if card.hidden_at else _("no"),
    ]


def cluster_title(card: Card) -> str:
    if card.cluster_id is None:
        return ""
    return card.cluster.title or _("Untitled cluster")


def neutralised(value):
    """The value, with a quote before any text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table:
        writer.writerow([neutralised(value) for value in row])
    # With a byte order mark, Excel reads the file as UTF-8 and shows accents right.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: list[list], sheet_title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for row in table:
        sheet.append([xlsx_value(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, column in enumerate(zip(*table, strict=True), start=1):
        width = max(len(str(value)) for value in column) + 2
        sheet.column_dimensions[get_column_letter(number)].width = min(width, WIDEST_COLUMN)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_value(value):
    # A worksheet cannot hold control characters: openpyxl refuses them.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralised(value)
