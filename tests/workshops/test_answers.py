"""Linking a difficulty to the practices that answer it, from any breakout: who may,
what is kept, what is refused, suggested answers and dismissals, the answers page per
role, and the report section."""

import uuid
from io import BytesIO

import pytest
from docx import Document
from pypdf import PdfReader

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)
from workshops import services
from workshops.export import export
from workshops.models import AnswerLink, Card, Participant

pytestmark = pytest.mark.django_db

DIFFICULTY = "Maintenance budgets for street trees are cut every year."
PRACTICE = "We fund tree maintenance from a fee on new parking permits."


@pytest.fixture
def w():
    workshop = make_workshop(breakouts=2)
    one, two = breakout(workshop, 1), breakout(workshop, 2)
    ana = make_participant(workshop, one, "Ana")
    ben = make_participant(workshop, two, "Ben")
    post_card(ana, one, DIFFICULTY, kind="difficulty")
    post_card(ben, two, PRACTICE)
    return {
        "workshop": workshop,
        "one": one,
        "two": two,
        "ana": ana,
        "lead": make_facilitator(workshop),
        "difficulty": Card.objects.get(text=DIFFICULTY),
        "practice": Card.objects.get(text=PRACTICE),
    }


def link(w, actor, note=""):
    return services.answer_link(
        actor_id=actor.pk,
        difficulty_id=w["difficulty"].pk,
        practice_id=w["practice"].pk,
        note=note,
    )


def test_a_link_across_breakouts_keeps_who_made_it_when_and_the_note(w):
    made = link(w, w["lead"], "Same budget problem")
    stored = AnswerLink.objects.get()
    assert (stored.difficulty, stored.practice) == (w["difficulty"], w["practice"])
    assert (stored.created_by, stored.note) == (w["lead"], "Same budget problem")
    assert stored.created_at is not None
    assert made.pk == stored.pk


def test_the_link_is_logged_on_the_difficultys_board(w):
    link(w, w["lead"])
    event = w["one"].events.order_by("-seq").first()
    assert event.type == "answers.changed"
    (answer,) = event.payload["links"]
    assert answer["practice"] == {
        "id": w["practice"].pk,
        "text": PRACTICE,
        "breakout": "Room 2",
        "hidden": False,
    }


@pytest.mark.parametrize(
    "team_role", [Participant.Team.LEAD, Participant.Team.RAPPORTEUR, Participant.Team.HOST]
)
def test_the_lead_a_rapporteur_and_the_boards_host_may_link(w, team_role):
    actor = make_facilitator(w["workshop"], f"f-{team_role}", team_role)
    if team_role == Participant.Team.HOST:
        w["one"].hosts.add(actor)
    link(w, actor)
    assert AnswerLink.objects.count() == 1


def test_participants_observers_and_other_hosts_may_not_link(w):
    observer = make_facilitator(w["workshop"], "obs", Participant.Team.OBSERVER)
    other_host = make_facilitator(w["workshop"], "host2", Participant.Team.HOST)
    w["two"].hosts.add(other_host)
    for actor in (w["ana"], observer, other_host):
        with pytest.raises(services.Forbidden):
            link(w, actor)
    assert not AnswerLink.objects.exists()


def test_bad_links_are_refused_and_change_nothing(w):
    with pytest.raises(services.Invalid):
        services.answer_link(
            actor_id=w["lead"].pk,
            difficulty_id=w["practice"].pk,
            practice_id=w["difficulty"].pk,
        )
    with pytest.raises(services.Invalid):
        link(w, w["lead"], "x" * 301)
    link(w, w["lead"])
    with pytest.raises(services.Conflict):
        link(w, w["lead"])
    other = make_workshop("Other", breakouts=1)
    stranger = make_participant(other, breakout(other), "Zoe")
    post_card(stranger, breakout(other), "Elsewhere")
    with pytest.raises(services.NotFound):
        services.answer_link(
            actor_id=w["lead"].pk,
            difficulty_id=w["difficulty"].pk,
            practice_id=Card.objects.get(text="Elsewhere").pk,
        )
    assert AnswerLink.objects.count() == 1


def test_a_link_can_be_removed(w):
    made = link(w, w["lead"])
    services.answer_unlink(actor_id=w["lead"].pk, link_id=made.pk)
    assert not AnswerLink.objects.exists()
    assert w["one"].events.order_by("-seq").first().payload["links"] == []


def test_members_see_links_on_their_board_but_never_to_a_hidden_practice(w):
    link(w, w["lead"], "A note")
    client = logged_in_client(w["ana"])
    page = client.get(f"/w/{w['workshop'].pk}/b/{w['one'].pk}/").content.decode()
    assert "Answered by a practice from Room 2:" in page
    assert PRACTICE in page
    services.card_set_hidden(
        participant_id=w["lead"].pk,
        breakout_id=w["two"].pk,
        card_id=w["practice"].pk,
        hidden=True,
        op_id=uuid.uuid4(),
    )
    page = client.get(f"/w/{w['workshop'].pk}/b/{w['one'].pk}/").content.decode()
    assert PRACTICE not in page
    # Hiding the practice logged the difficulty's answers again on its own board.
    event = w["one"].events.order_by("-seq").first()
    assert event.type == "answers.changed"
    assert event.payload["links"][0]["practice"]["hidden"] is True


OTHERS = [
    ("practice", "Children walk to school together with a volunteer every morning."),
    ("practice", "Our open data portal publishes every contract the city signs."),
    ("practice", "Flooded underpasses are closed automatically by water sensors."),
    ("difficulty", "Residents do not trust the online voting platform."),
]


def test_suggested_answers_rank_the_practice_and_a_dismissed_one_never_returns(w):
    for kind, text in OTHERS:
        post_card(w["ana"], w["one"], text, kind=kind)
    client = logged_in_client(w["lead"])
    page = client.get(f"/w/{w['workshop'].pk}/answers/").content.decode()
    suggested = page.split(DIFFICULTY)[1].split("</article>")[0]
    first = suggested.split('class="suggested"')[1].split("</li>")[0]
    assert PRACTICE in first
    assert "Shared words:" in first
    assert "maintenance" in first
    response = client.post(
        f"/w/{w['workshop'].pk}/answers/dismiss/",
        {"difficulty_id": w["difficulty"].pk, "practice_id": w["practice"].pk},
    )
    assert response.status_code == 302
    page = client.get(f"/w/{w['workshop'].pk}/answers/").content.decode()
    suggested = page.split(DIFFICULTY)[1].split("</article>")[0]
    assert "Suggested answers" not in suggested or PRACTICE not in suggested.split("<ol")[1]


def test_the_answers_page_links_over_http_and_shows_a_refusal(w):
    client = logged_in_client(w["lead"])
    url = f"/w/{w['workshop'].pk}/answers/link/"
    data = {"difficulty_id": w["difficulty"].pk, "practice_id": w["practice"].pk, "note": "ok"}
    assert client.post(url, data).status_code == 302
    assert AnswerLink.objects.get().note == "ok"
    again = client.post(url, data)
    assert again.status_code == 400
    assert "already linked" in again.content.decode()
    assert client.post(url, {"difficulty_id": "x"}).status_code == 400


def test_the_answers_page_per_role(w):
    url = f"/w/{w['workshop'].pk}/answers/"
    assert logged_in_client(w["ana"]).get(url).url.startswith("/login/")
    observer = make_facilitator(w["workshop"], "obs", Participant.Team.OBSERVER)
    page = logged_in_client(observer).get(url)
    assert page.status_code == 200
    assert "Link this practice" not in page.content.decode()
    post = logged_in_client(w["ana"]).post(
        f"{url}link/", {"difficulty_id": w["difficulty"].pk, "practice_id": w["practice"].pk}
    )
    assert post.status_code == 302
    assert post.url.startswith("/login/")
    refused = logged_in_client(observer).post(
        f"{url}link/", {"difficulty_id": w["difficulty"].pk, "practice_id": w["practice"].pk}
    )
    assert refused.status_code == 400
    assert not AnswerLink.objects.exists()


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_every_report_format_has_the_answers_section(w, fmt):
    link(w, w["lead"], "Parking fee")
    content = export(w["workshop"], fmt, "en").content
    if fmt == "pdf":
        content = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    elif fmt == "docx":
        content = "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)
    else:
        content = content.decode()
    assert "Difficulties and the practices that answer them" in content
    assert "Parking fee" in content
