"""Scenario feedback boards: facilitators post prepared scenarios (in up to three
languages), participants react, results per scenario are shown and go into the report."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
)
from workshops import export, services
from workshops.export import report
from workshops.models import Breakout, Reaction, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    workshop = make_workshop("Resilient administrations", breakouts=2)
    room = breakout(workshop)
    room.kind, room.criteria = Breakout.Kind.SCENARIOS, ["Desirability", "Feasibility"]
    room.save()
    return {
        "workshop": workshop,
        "room": room,
        "lead": make_facilitator(workshop),
        "ana": make_participant(workshop, room, "Ana"),
        "bob": make_participant(workshop, room, "Bob"),
    }


def post_scenario(board, **extra):
    return services.scenario_post(
        participant_id=board["lead"].pk,
        breakout_id=board["room"].pk,
        op_id=uuid.uuid4(),
        title="The city as a platform",
        text="Services are co-designed with residents.",
        **extra,
    )


def react(board, person, scenario, **extra):
    fields = {"stance": "agree", "reason": "Closer to people", "ratings": {"Desirability": 5}}
    return services.scenario_react(
        participant_id=board[person].pk,
        scenario_id=scenario.pk,
        op_id=uuid.uuid4(),
        **{**fields, **extra},
    )


def board_url(board):
    return reverse("workshops:board", args=[board["workshop"].pk, board["room"].pk])


def test_the_facilitator_posts_a_scenario_and_readers_see_it_in_their_language(board):
    response = logged_in_client(board["lead"]).post(
        board_url(board),
        {
            "scenario-title": "The city as a platform",
            "scenario-text": "Services are co-designed with residents.",
            "scenario-title_fr": "La ville plateforme",
            "scenario-text_fr": "Les services sont co-conçus avec les habitants.",
            "scenario-op_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.translations == {
        "fr": {
            "title": "La ville plateforme",
            "text": "Les services sont co-conçus avec les habitants.",
        }
    }
    client = logged_in_client(board["ana"])
    client.cookies["django_language"] = "fr"
    assert "La ville plateforme" in client.get(board_url(board)).content.decode()
    client.cookies["django_language"] = "es"  # no Spanish version: as written
    assert "The city as a platform" in client.get(board_url(board)).content.decode()


def test_participants_react_and_everyone_sees_the_results_without_names(board):
    post_scenario(board)
    scenario = Scenario.objects.get()
    react(board, "ana", scenario)
    react(
        board,
        "bob",
        scenario,
        stance="disagree",
        reason="Too slow",
        concerns="Cost",
        ideas="Pilot in one district",
        ratings={"Desirability": 2, "Feasibility": 3},
    )
    react(board, "ana", scenario, ratings={"Desirability": 4})  # replaces her first answer

    page = logged_in_client(board["bob"]).get(board_url(board))
    (item,) = page.context["scenarios"]
    results = item["results"]
    assert (results["agree"], results["disagree"]) == (1, 1)
    assert results["ratings"] == {
        "Desirability": {"average": 3.0, "count": 2},
        "Feasibility": {"average": 3.0, "count": 1},
    }
    assert results["reasons_disagree"] == ["Too slow"]
    assert (results["concerns"], results["ideas"]) == (["Cost"], ["Pilot in one district"])
    assert "Ana" not in str(results)
    assert "Bob" not in str(results)
    assert Reaction.objects.count() == 2


def test_a_reaction_through_the_page_form(board):
    post_scenario(board)
    scenario = Scenario.objects.get()
    prefix = f"reaction-{scenario.pk}"
    response = logged_in_client(board["ana"]).post(
        board_url(board),
        {
            "scenario": scenario.pk,
            f"{prefix}-stance": "agree",
            f"{prefix}-reason": "Residents know best",
            f"{prefix}-rating_0": "5",
            f"{prefix}-rating_1": "",
            f"{prefix}-op_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    reaction = Reaction.objects.get()
    assert (reaction.stance, reaction.ratings) == ("agree", {"Desirability": 5})


def test_bad_feedback_is_refused_and_changes_nothing(board):
    post_scenario(board)
    scenario = Scenario.objects.get()
    with pytest.raises(services.Invalid, match="Rate each criterion from 1 to 5"):
        react(board, "ana", scenario, ratings={"Desirability": 9})
    with pytest.raises(services.Invalid, match="Rate each criterion"):
        react(board, "ana", scenario, ratings={"Beauty": 3})
    with pytest.raises(services.Invalid, match="agree or disagree"):
        react(board, "ana", scenario, stance="maybe")
    with pytest.raises(services.Forbidden):
        react(board, "lead", scenario)  # facilitators post, participants react
    other_room_person = make_participant(board["workshop"], breakout(board["workshop"], 2))
    with pytest.raises(services.Forbidden):
        services.scenario_react(
            participant_id=other_room_person.pk,
            scenario_id=scenario.pk,
            op_id=uuid.uuid4(),
            stance="agree",
        )
    assert not Reaction.objects.exists()


def test_a_card_board_takes_no_scenarios(board):
    with pytest.raises(services.Forbidden, match="not scenarios"):
        services.scenario_post(
            participant_id=board["lead"].pk,
            breakout_id=breakout(board["workshop"], 2).pk,
            op_id=uuid.uuid4(),
            title="T",
            text="X",
        )


def test_a_resent_reaction_is_stored_once(board):
    post_scenario(board)
    scenario = Scenario.objects.get()
    op_id = uuid.uuid4()
    first = services.scenario_react(
        participant_id=board["ana"].pk, scenario_id=scenario.pk, op_id=op_id, stance="agree"
    )
    again = services.scenario_react(
        participant_id=board["ana"].pk, scenario_id=scenario.pk, op_id=op_id, stance="agree"
    )
    assert first == again
    assert board["room"].events.filter(type="scenario.results").count() == 1


def test_the_report_has_each_scenario_with_its_results(board):
    post_scenario(board)
    scenario = Scenario.objects.get()
    react(board, "ana", scenario)
    react(board, "bob", scenario, stance="disagree", reason="Too slow", ratings={"Desirability": 2})
    built = report.build(board["workshop"], "en", report.Options(authors=True))
    (item,) = built.challenges[0].breakouts[0].clusters
    assert item.title == "The city as a platform"
    assert item.key_points.splitlines() == [
        "Agree: 1 · Disagree: 1",
        "Desirability: 3.5 / 5 (2 ratings)",
        "Feasibility: — / 5 (0 ratings)",
    ]
    assert [(c.kind, c.text, c.author) for c in item.cards] == [
        ("Why people agree", "Closer to people", ""),
        ("Why people disagree", "Too slow", ""),
    ]
    made = export.export(board["workshop"], "md", "en", report.Options(authors=True))
    text = made.content.decode()
    assert "The city as a platform" in text
    assert "Too slow" in text
    assert "Bob" not in text  # answers never carry names
    for fmt in ("html", "pdf", "docx"):
        assert export.export(board["workshop"], fmt, "en").content
