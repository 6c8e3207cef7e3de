"""Export a workshop as the downloads do, for scripts and scheduled jobs:

python manage.py export_workshop 3 --format pdf --output report.pdf
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from workshops import export, languages
from workshops.export.report import Options
from workshops.models import Workshop


class Command(BaseCommand):
    help = "Write a workshop's report or data in one of the download formats."

    def add_arguments(self, parser):
        parser.add_argument("workshop", type=int, help="the workshop's id")
        parser.add_argument("--format", required=True, choices=sorted(export.FORMATS))
        parser.add_argument("--output", required=True, help='a file, or "-" for standard output')
        parser.add_argument(
            "--language", default="", help="language of the headings (default: the workshop's)"
        )
        parser.add_argument(
            "--cards-language",
            default="",
            choices=["", *languages.CODES],
            help="the report shows only the cards written in this language",
        )

    def handle(self, *args, workshop, format, output, language, cards_language, **options):
        found = Workshop.objects.filter(pk=workshop).first()
        if found is None:
            raise CommandError(f"There is no workshop {workshop}.")
        made = export.export(found, format, language, Options.of(found, cards_language))
        if output == "-":
            sys.stdout.buffer.write(made.content)
            return
        try:
            with open(output, "wb") as file:
                file.write(made.content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from error
        self.stderr.write(f"Wrote {output} ({len(made.content)} bytes).")
