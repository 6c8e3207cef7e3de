"""The README's generated tables match the code they describe."""

from pathlib import Path

from django.conf import settings

from workshops.management.commands.readme_tables import TABLES, generated


def test_the_generated_tables_in_the_readme_are_current():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for name in TABLES:
        assert generated(name) in readme, (
            f"The {name} table of README.md is stale: run python manage.py readme_tables --write"
        )
