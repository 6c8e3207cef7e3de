"""The whole workshop as JSON and back: a restored workshop dumps the same, and a file
that cannot be restored is refused with a clear message, changing nothing."""

import copy
import io
import json
import sys
import uuid
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import services
from workshops.export import export, report
from workshops.export.backup import ImportRefused, dump, load
from workshops.models import (
    REPORT_SECTIONS,
    BoardEvent,
    Breakout,
    Card,
    Cluster,
    HelpRequest,
    Participant,
    Scenario,
    Workshop,
)

pytestmark = pytest.mark.django_db

# What links to what in the file, as this test reads it: part -> key -> part.
LINKS = {
    "segments": {},
    "challenges": {},
    "breakouts": {"challenge": "challenges"},
    "participants": {
        "preferred_challenge": "challenges",
        "breakout": "breakouts",
        "hosted_breakouts": "breakouts",
    },
    "clusters": {"breakout": "breakouts"},
    "cards": {"breakout": "breakouts", "author": "participants", "cluster": "clusters"},
    "votes": {
        "breakout": "breakouts",
        "voter": "participants",
        "card": "cards",
        "cluster": "clusters",
    },
    "messages": {"breakout": "breakouts", "author": "participants"},
    "help_requests": {"participant": "participants", "breakout": "breakouts"},
    "registrations": {"participant": "participants", "segment": "segments"},
    "recommendations": {"clusters": "clusters", "cards": "cards"},
    "scenarios": {"breakout": "breakouts"},
    "reactions": {"scenario": "scenarios", "participant": "participants"},
    "answer_links": {"difficulty": "cards", "practice": "cards", "created_by": "participants"},
    "answer_dismissals": {
        "difficulty": "cards",
        "practice": "cards",
        "dismissed_by": "participants",
    },
}


def op():
    return uuid.uuid4()


@pytest.fixture
def workshop():
    """A workshop after a session, with something in every part of its backup."""
    workshop = make_workshop("Green infrastructure", allow_anonymous=True)
    first, second = breakout(workshop, 1), breakout(workshop, 2)
    lead = make_facilitator(workshop)
    prepare(workshop, lead, first)
    ana, ben = make_participant(workshop, first, "Ana"), make_participant(workshop, first, "Ben")
    token = services.invite_link_create(actor_id=lead.pk, workshop_id=workshop.pk, label="All")
    dora = services.participant_join(
        token=token,
        display_name="Dora",
        breakout_id=second.pk,
        preferred_challenge_id=second.challenge_id,
        language="es",
    )
    session(workshop, lead, ana, ben, dora, first, second)
    leave(workshop, lead, ben)
    workshop.refresh_from_db()
    return workshop


def prepare(workshop, lead, first):
    services.workshop_update(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        background="Cities share what works.",
        audience="City officers",
        timezone="Europe/Paris",
        language="fr",
        languages=["en", "es"],
    )
    for kind, title, hour, registration in [
        ("plenary", "Opening", 14, False),
        ("roundtable", "Mayors’ roundtable", 15, True),
    ]:
        services.segment_save(
            actor_id=lead.pk,
            workshop_id=workshop.pk,
            kind=kind,
            title=title,
            starts_at=datetime(2030, 1, 1, hour, tzinfo=UTC),
            duration_minutes=45,
            registration_required=registration,
        )
    services.report_options_save(
        actor_id=lead.pk, workshop_id=workshop.pk, sections=["proceedings"], authors=True
    )
    host = make_facilitator(workshop, "host", team_role=Participant.Team.HOST)
    services.team_update(actor_id=lead.pk, member_id=host.pk, team_role="host", hosted=[first])
    services.board_settings(
        actor_id=lead.pk,
        breakout_id=first.pk,
        participants_cluster=True,
        vote_budget=5,
        votes_visible=True,
    )


def session(workshop, lead, ana, ben, dora, first, second):
    post_card(ana, first, "Rain gardens in schoolyards")
    post_card(ben, first, "No budget for maintenance", "difficulty")
    post_card(ana, first, "Residents fear mosquitoes", "difficulty", anonymous=True)
    post_card(ben, first, "Spam")
    post_card(dora, second, "Green roofs on bus stops")
    rain, budget, _fear, spam, roofs = Card.objects.order_by("pk")
    # Answers link cards of two boards.
    services.answer_link(
        actor_id=lead.pk, difficulty_id=budget.pk, practice_id=roofs.pk, note="Volunteers"
    )
    services.answer_dismiss(actor_id=lead.pk, difficulty_id=budget.pk, practice_id=spam.pk)
    services.card_set_hidden(
        participant_id=lead.pk, breakout_id=first.pk, card_id=spam.pk, hidden=True, op_id=op()
    )
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=first.pk,
        card_ids=[rain.pk, budget.pk],
        title="Water",
        op_id=op(),
    )
    water = Cluster.objects.get()
    services.breakouts_set_phase(
        actor_id=lead.pk, workshop_id=workshop.pk, phase="vote", breakout_id=first.pk
    )
    for target, thing in [("card", rain), ("card", rain), ("cluster", water)]:
        services.vote(
            participant_id=ana.pk,
            breakout_id=first.pk,
            target=target,
            target_id=thing.pk,
            add=True,
            op_id=op(),
        )
    for cluster_id, text in [(None, "Schools lead the way."), (water.pk, "Cheap, and loved.")]:
        services.summary_write(
            participant_id=lead.pk,
            breakout_id=first.pk,
            text=text,
            version=0,
            op_id=op(),
            cluster_id=cluster_id,
        )
    services.recommendation_save(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        text="Fund rain gardens in every school",
        clusters=[water],
        cards=[roofs],
    )
    services.timer_command(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        command="start",
        minutes=10,
        action="close",
        breakout_id=second.pk,
    )
    services.message_send(actor_id=lead.pk, workshop_id=workshop.pk, text="Ten minutes left")
    services.message_send(
        actor_id=lead.pk, workshop_id=workshop.pk, text="Vote now", breakout_id=first.pk
    )
    roundtable = workshop.segments.get(registration_required=True)
    services.registration_set(participant_id=ana.pk, segment_id=roundtable.pk, registered=True)
    services.help_request(participant_id=ana.pk, workshop_id=workshop.pk, kind="hand")
    services.help_request(
        participant_id=dora.pk, workshop_id=workshop.pk, kind="help", note="No sound"
    )
    request = HelpRequest.objects.get(participant=dora)
    services.help_handle(actor_id=lead.pk, request_id=request.pk)
    scenarios(lead, dora, second)


def scenarios(lead, dora, second):
    """The second board becomes a scenario board: a scenario in two languages, and
    Dora's feedback with a rating."""
    Breakout.objects.filter(pk=second.pk).update(
        kind=Breakout.Kind.SCENARIOS, criteria=["Feasibility"]
    )
    services.scenario_post(
        participant_id=lead.pk,
        breakout_id=second.pk,
        op_id=op(),
        title="The city as a platform",
        text="Services are co-designed with residents.",
        translations={"fr": {"title": "La ville plateforme", "text": "Des services co-conçus."}},
    )
    services.scenario_react(
        participant_id=dora.pk,
        scenario_id=Scenario.objects.get().pk,
        op_id=op(),
        stance="agree",
        reason="Trust grows",
        ratings={"Feasibility": 4},
    )


def leave(workshop, lead, ben):
    """Ben is removed; Eli's invitation is withdrawn after she joined."""
    services.participant_remove(actor_id=lead.pk, participant_id=ben.pk)
    ((_person, token),) = services.invites_create_personal(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        people=[{"name": "Eli", "email": "eli@example.org"}],
    )
    services.participant_join(token=token, display_name="Eli")
    invite = workshop.invites.get(personal=True)
    services.invite_revoke(actor_id=lead.pk, invite_id=invite.pk)


def canonical(data: dict) -> dict:
    """The dump with every id replaced by the row's place in its part."""
    data = copy.deepcopy(data)
    order = {part: {row["id"]: n for n, row in enumerate(data[part])} for part in LINKS}
    for part, links in LINKS.items():
        for row in data[part]:
            row["id"] = order[part][row["id"]]
            for key, target in links.items():
                if isinstance(row[key], list):
                    row[key] = sorted(order[target][value] for value in row[key])
                elif row[key] is not None:
                    row[key] = order[target][row[key]]
    return data


def as_json(data: dict) -> str:
    return json.dumps(data)


def everything() -> dict[str, int]:
    """How many rows each table has."""
    models = [*apps.get_app_config("workshops").get_models(), get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


def readable(workshop) -> tuple[bytes, bytes]:
    """The workshop as people read it: the full report and the cards' data."""
    options = report.Options(sections=REPORT_SECTIONS, authors=True)
    return (
        export(workshop, "md", "en", options).content,
        export(workshop, "csv", "en").content,
    )


# The round trip ------------------------------------------------------------------------


def test_the_backup_has_something_in_every_part(workshop):
    data = json.loads(export(workshop, "json").content)
    assert (data["format"], data["version"]) == ("facilitate-workshop", 2)
    assert all(data[part] for part in LINKS), [part for part in LINKS if not data[part]]
    details = data["workshop"]
    assert details["uid"] == str(workshop.uid)
    assert (details["timezone"], details["language"], details["languages"]) == (
        "Europe/Paris",
        "fr",
        ["en", "es"],
    )
    assert (details["report_sections"], details["report_authors"]) == (["proceedings"], True)
    facilitators = {p["user"] for p in data["participants"] if p["role"] == "facilitator"}
    assert facilitators == {"facilitator", "host"}


def test_a_restored_workshop_dumps_the_same_and_reads_the_same(workshop):
    before, seen_before = dump(workshop), readable(workshop)
    old_ids = set(workshop.breakouts.values_list("pk", flat=True))
    workshop.delete()
    restored = load(as_json(before))
    after = dump(restored)
    assert canonical(after) == canonical(before)
    assert readable(restored) == seen_before
    assert not old_ids & set(restored.breakouts.values_list("pk", flat=True))


def test_restored_boards_start_a_new_log(workshop):
    epochs = dict(workshop.breakouts.values_list("position", "epoch"))
    data = as_json(dump(workshop))
    workshop.delete()
    restored = load(data)
    assert not BoardEvent.objects.filter(breakout__workshop=restored).exists()
    for board in restored.breakouts.all():
        assert board.seq == 0
        assert board.epoch != epochs[board.position]


def test_facilitators_keep_their_account_or_get_one_without_password(workshop):
    lead_user = workshop.participants.get(display_name="facilitator").user
    data = as_json(dump(workshop))
    workshop.delete()
    get_user_model().objects.filter(username="host").delete()
    restored = load(data)
    assert restored.participants.get(display_name="facilitator").user == lead_user
    host = restored.participants.get(display_name="host").user
    assert host.username == "host"
    assert not host.has_usable_password()


def test_a_copy_under_another_uid_is_restored_next_to_the_original(workshop):
    before = dump(workshop)
    copied = copy.deepcopy(before)
    copied["workshop"]["uid"] = str(uuid.uuid4())
    restored = load(copied)
    assert Workshop.objects.count() == 2
    assert canonical(dump(restored)) == canonical(copied)
    assert dump(workshop) == before


# The command line ----------------------------------------------------------------------


def test_the_command_imports_a_file(workshop, tmp_path):
    path = tmp_path / "workshop.json"
    path.write_bytes(export(workshop, "json").content)
    workshop.delete()
    out = io.StringIO()
    call_command("import_workshop", str(path), stdout=out)
    restored = Workshop.objects.get()
    assert out.getvalue().strip() == f"Imported workshop {restored.pk}: Green infrastructure"


def test_the_command_reads_standard_input(workshop, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(as_json(dump(workshop))))
    workshop.delete()
    out = io.StringIO()
    call_command("import_workshop", "-", stdout=out)
    assert Workshop.objects.get().title in out.getvalue()


def test_the_command_says_why_it_refuses(workshop, tmp_path):
    path = tmp_path / "workshop.json"
    path.write_bytes(export(workshop, "json").content)
    with pytest.raises(CommandError, match="already imported"):
        call_command("import_workshop", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_workshop", str(tmp_path / "missing.json"))


# Refusals ------------------------------------------------------------------------------


def moved(data: dict) -> dict:
    """The same backup under another uid, so that only its other faults count."""
    data = copy.deepcopy(data)
    data["workshop"]["uid"] = str(uuid.uuid4())
    return data


def broken_link(data: dict) -> dict:
    data = moved(data)
    next(card for card in data["cards"] if card["cluster"])["cluster"] = 999999
    return data


def another_board(data: dict) -> dict:
    data = moved(data)
    loose = next(card for card in data["cards"] if card["breakout"] != data["cards"][0]["breakout"])
    loose["cluster"] = data["clusters"][0]["id"]
    return data


def newer(data: dict) -> dict:
    return {**moved(data), "version": 3}


def missing_part(data: dict) -> dict:
    data = moved(data)
    del data["votes"]
    return data


def bad_date(data: dict) -> dict:
    data = moved(data)
    data["cards"][0]["created_at"] = "yesterday"
    return data


def repeated_id(data: dict) -> dict:
    data = moved(data)
    data["cards"][1]["id"] = data["cards"][0]["id"]
    return data


def same_position(data: dict) -> dict:
    data = moved(data)
    data["challenges"][1]["position"] = data["challenges"][0]["position"]
    return data


REFUSED = [
    (lambda data: "Hello, world", "not valid JSON (line 1, column 1)"),
    (lambda data: as_json(moved(data))[:-200], "it may be cut short"),
    (lambda data: b"\xff\xfe\x00binary", "not a workshop backup from Facilitate"),
    (lambda data: {"boards": []}, "not a workshop backup from Facilitate"),
    (lambda data: [1, 2, 3], "not a workshop backup from Facilitate"),
    (newer, "newer version of Facilitate (format 3; this server reads up to 2)"),
    (lambda data: data, "already imported: “Green infrastructure” is here"),
    (broken_link, "(cards #1): “cluster” points to clusters 999999, which is not in the file"),
    (another_board, "“cluster” points to another board"),
    (missing_part, "(votes): it should be a list"),
    (bad_date, "(cards #1): “created_at”"),
    (repeated_id, "(cards #2): its id is missing or repeated"),
    (same_position, "This backup could not be stored"),
]


@pytest.mark.parametrize(("damage", "message"), REFUSED)
def test_a_file_that_cannot_be_restored_is_refused_and_nothing_changes(workshop, damage, message):
    data = damage(dump(workshop))
    counts = everything()
    with pytest.raises(ImportRefused) as refusal:
        load(data)
    assert message in str(refusal.value.message)
    assert everything() == counts


def test_refusals_are_in_the_language_of_the_reader(workshop):
    with translation.override("fr"), pytest.raises(ImportRefused) as refusal:
        load(dump(workshop))
    assert "déjà été importé" in str(refusal.value.message)


def test_a_value_of_any_kind_anywhere_is_restored_or_refused_never_a_crash(workshop):
    """Every key of the first row of every part, and of the workshop's details, set to
    values of each JSON kind: the import either works or is refused cleanly."""
    data = dump(workshop)
    odd_values = [None, "x", -1, True, [[1]]]
    places = [("workshop", data["workshop"])] + [(part, data[part][0]) for part in LINKS]
    # Restoring starts with the workshop's row: a refusal that left anything leaves it.
    workshops = Workshop.objects.count()
    for part, row in places:
        for key in row:
            for value in odd_values:
                damaged = moved(data)
                target = damaged[part] if part == "workshop" else damaged[part][0]
                target[key] = value
                with transaction.atomic():
                    try:
                        load(damaged)
                    except ImportRefused:
                        assert Workshop.objects.count() == workshops, (part, key, value)
                    transaction.set_rollback(True)  # a restored copy goes too
