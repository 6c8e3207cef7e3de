"""Restore a workshop from its JSON backup (the "json" export), with new ids.

python manage.py import_workshop workshop.json
python manage.py import_workshop - < workshop.json
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshops.export.backup import ImportRefused, load


class Command(BaseCommand):
    help = "Restore a workshop from its JSON backup; refused if it is already here."

    def add_arguments(self, parser):
        parser.add_argument("file", help='the backup, or "-" for standard input')

    def handle(self, *args, **options):
        try:
            workshop = load(read(options["file"]))
        except ImportRefused as refusal:
            raise CommandError(str(refusal.message)) from refusal
        self.stdout.write(f"Imported workshop {workshop.pk}: {workshop.title}")


def read(name: str) -> str | bytes:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {name}: {error.strerror or error}") from error
