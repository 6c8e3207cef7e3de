"""The report as a printable HTML document (with a print stylesheet), standalone when
downloaded: its stylesheet is inside it."""

from django.conf import settings
from django.template.loader import render_to_string

from .report import Report

STYLESHEET = settings.BASE_DIR / "static" / "css" / "report.css"


def render(report: Report) -> str:
    context = {"report": report, "inline_css": STYLESHEET.read_text()}
    return render_to_string("workshops/report_document.html", context)
