"""What leaves the app: the outcome report in four formats, the cards as data, and the
whole workshop as JSON. Downloads and `manage.py export_workshop` both call `export`."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from workshops.models import Workshop

from . import backup, cards, html, markdown, report


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def _markdown(workshop, language, options):
    return markdown.render(report.build(workshop, language, options)).encode()


def _html(workshop, language, options):
    return html.render(report.build(workshop, language, options)).encode()


def _csv(workshop, language, options):
    return cards.as_csv(workshop, language)


def _xlsx(workshop, language, options):
    return cards.as_xlsx(workshop, language)


def _json(workshop, language, options):
    return backup.to_json(backup.dump(workshop))


# format -> (content type, how it is made from (workshop, language, options))
FORMATS = {
    "md": ("text/markdown; charset=utf-8", _markdown),
    "html": ("text/html; charset=utf-8", _html),
    "csv": ("text/csv; charset=utf-8", _csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    "json": ("application/json", _json),
}
REPORT_FORMATS = ("md", "html")


def export(workshop: Workshop, fmt: str, language: str = "", options=None) -> Export:
    """The workshop in format `fmt`; the report's headings in `language` (the
    workshop's working language by default), with the facilitator's options."""
    content_type, make = FORMATS[fmt]
    language = language or workshop.language
    options = options or report.Options.of(workshop)
    day = timezone.localdate(workshop.starts_at).isoformat()
    name = f"{slugify(workshop.title) or 'workshop'}-{day}.{fmt}"
    return Export(make(workshop, language, options), content_type, name)
