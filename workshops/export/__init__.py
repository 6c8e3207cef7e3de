"""What leaves the app: the outcome report in four formats, the cards as data, and the
whole workshop as JSON. Downloads and `manage.py export_workshop` both call `export`."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from workshops.models import Workshop

from . import backup, cards, html, markdown, pdf, report, word


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


# Formats of the report: content type, and how a built report becomes bytes.
REPORTS = {
    "md": ("text/markdown; charset=utf-8", lambda built: markdown.render(built).encode()),
    "html": ("text/html; charset=utf-8", lambda built: html.render(built).encode()),
    "pdf": ("application/pdf", pdf.render),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        word.render,
    ),
}
# Formats of the data: content type, and how (workshop, language) becomes bytes.
DATA = {
    "csv": ("text/csv; charset=utf-8", cards.as_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        cards.as_xlsx,
    ),
    "json": ("application/json", lambda workshop, language: backup.to_json(backup.dump(workshop))),
}
REPORT_FORMATS = tuple(REPORTS)
FORMATS = (*REPORTS, *DATA)
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def export(workshop: Workshop, fmt: str, language: str = "", options=None) -> Export:
    """The workshop in format `fmt`; the report's headings in `language` (the
    workshop's working language by default), with the facilitator's options."""
    if language not in LANGUAGES:
        language = workshop.language
    if fmt in REPORTS:
        content_type, render = REPORTS[fmt]
        built = report.build(workshop, language, options or report.Options.of(workshop))
        content = render(built)
    else:
        content_type, make = DATA[fmt]
        content = make(workshop, language)
    day = timezone.localdate(workshop.starts_at).isoformat()
    name = f"{slugify(workshop.title) or 'workshop'}-{day}.{fmt}"
    return Export(content, content_type, name)
