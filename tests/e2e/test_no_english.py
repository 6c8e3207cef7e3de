"""In French and in Spanish, no sentence of the interface shows in English: on the join
page, the board (participant and facilitator), the control room, the report and the
workshop's main page, after the page's scripts have run."""

import re

import polib
import pytest
from django.conf import settings

from tests.e2e.browser import chromium, log_in
from tests.factories import make_facilitator, make_workshop, post_card
from tests.servers import daphne
from workshops import services
from workshops.models import Participant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def english_sentences(language: str) -> set[str]:
    """The interface's English texts of several words that the catalogue translates
    differently, as a page would show them."""
    found = set()
    for domain in ("django", "djangojs"):
        path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        for entry in polib.pofile(str(path)):
            text = re.sub(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}|[{}]", "", entry.msgid).strip()
            if len(text.split()) >= 3 and entry.msgstr != entry.msgid and "<" not in text:
                found.add(text.rstrip(".:…"))
    return found


def visible_text(page) -> str:
    page.wait_for_load_state("networkidle")
    return " ".join(page.locator("body").inner_text().split())


@pytest.mark.parametrize("language", ["fr", "es"])
def test_no_english_sentence_on_any_page(needs_chromium, output_dir, language):
    workshop = make_workshop("Infrastructure verte", breakouts=2)
    workshop.breakouts.update(name="Salle")
    make_facilitator(workshop, "lead")
    room = workshop.breakouts.first()
    ana = Participant.objects.create(
        workshop=workshop, display_name="Ana", breakout=room, role=Participant.Role.PARTICIPANT
    )
    post_card(ana, room, "Jardins de pluie")
    token = services.invite_create(workshop=workshop, label="lien")
    english = english_sentences(language)
    seen = {}
    with daphne(output_dir) as (base, _), chromium() as browser:
        person = browser.new_context()
        person.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = person.new_page()
        page.goto(f"{base}/join/{token}/")
        seen["join"] = visible_text(page)
        page.locator("form.stack input[name='display_name']").fill("Bea")
        page.locator("form.stack input[type='radio']").first.check()
        page.locator("form.stack button[type='submit']").click()
        page.wait_for_selector("#connection-status[data-state='connected']")
        seen["board (participant)"] = visible_text(page)
        page.goto(f"{base}/w/{workshop.pk}/")
        seen["main page"] = visible_text(page)

        team = browser.new_context()
        facilitator = team.new_page()
        log_in(facilitator, base, "lead", f"/w/{workshop.pk}/")
        team.add_cookies([{"name": "django_language", "value": language, "url": base}])
        for name, path in (
            ("board (facilitator)", f"b/{room.pk}"),
            ("control room", "control"),
            ("report", "report"),
        ):
            facilitator.goto(f"{base}/w/{workshop.pk}/{path}/")
            seen[name] = visible_text(facilitator)

    english_on = {
        name: sorted(sentence for sentence in english if sentence in text)
        for name, text in seen.items()
    }
    assert english_on == {name: [] for name in seen}
