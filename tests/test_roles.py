"""The table of roles (workshops/roles.py) is what every page and socket enforces: each
action is tried by each role, over HTTP and over the websocket, on the board the role
calls its own and on another, and allowed exactly where the table says."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)
from tests.realtime.helpers import open_socket
from workshops import roles
from workshops.models import (
    AgendaSegment,
    AnswerLink,
    Breakout,
    Card,
    Participant,
    Reaction,
    ReportLink,
    Scenario,
    Workshop,
)

pytestmark = pytest.mark.django_db(transaction=True)

OWN_BOARD, OTHER_BOARD = 1, 2


def make_people(participants_cluster=True):
    """One person per role: the host hosts board 1, the participant sits in board 1."""
    workshop = make_workshop(breakouts=2)
    Breakout.objects.update(participants_cluster=participants_cluster)
    own = breakout(workshop, OWN_BOARD)
    host = make_facilitator(workshop, "host", Participant.Team.HOST)
    host.hosted_breakouts.add(own)
    people = {
        roles.Role.LEAD: make_facilitator(workshop, "lead"),
        roles.Role.HOST: host,
        roles.Role.RAPPORTEUR: make_facilitator(
            workshop, "rapporteur", Participant.Team.RAPPORTEUR
        ),
        roles.Role.OBSERVER: make_facilitator(workshop, "observer", Participant.Team.OBSERVER),
        roles.Role.PARTICIPANT: make_participant(workshop, own, "Pat"),
    }
    for position in (OWN_BOARD, OTHER_BOARD):
        post_card(
            make_participant(workshop, breakout(workshop, position), "Target"),
            breakout(workshop, position),
        )
    return workshop, people


def card_on(board):
    return Card.objects.filter(breakout=board).first()


# HTTP probes: each returns True when the role check let the request through. ----------


def page(name, *extra):
    def probe(workshop, person, board):
        response = logged_in_client(person).get(reverse(name, args=[workshop.pk, *extra]))
        assert response.status_code in (200, 302, 403), response.status_code
        return response.status_code == 200  # 302: to the login page

    return probe


def board_page(workshop, person, board):
    url = reverse("workshops:board", args=[workshop.pk, board.pk])
    return logged_in_client(person).get(url).status_code == 200


def control_action(action, fields):
    """A control-room action posted with htmx: its status line says why it was refused."""

    def probe(workshop, person, board):
        url = reverse("workshops:control-action", args=[workshop.pk, action])
        data = fields(workshop, board)
        response = logged_in_client(person).post(url, data, HTTP_HX_REQUEST="true")
        if response.status_code in (302, 403):  # to the login page, or refused
            return False
        return str(roles.RULES[ACTION_OF_CONTROL[action]].refusal) not in response.content.decode()

    return probe


ACTION_OF_CONTROL = {
    "phase": "breakout.steer",
    "move": "participant.move",
    "remove": "participant.remove",
}


def steer_all(workshop, person, board):
    url = reverse("workshops:control-action", args=[workshop.pk, "phase"])
    response = logged_in_client(person).post(url, {"phase": "cluster"}, HTTP_HX_REQUEST="true")
    return response.status_code == 200 and str(roles.LEAD_ONLY) not in response.content.decode()


def a_target(workshop, board):
    return Participant.objects.get(workshop=workshop, breakout=board, display_name="Target")


def posted(path_name, data, refusal_action=None):
    """A form posted to a page; refused with 403, or with the rule's text on the page."""

    def probe(workshop, person, board):
        url = reverse(path_name, args=[workshop.pk])
        response = logged_in_client(person).post(url, data(workshop, board), follow=True)
        to_login = any(url.startswith(reverse("login")) for url, _ in response.redirect_chain)
        if response.status_code == 403 or to_login:
            return False
        refusal = roles.RULES[refusal_action].refusal if refusal_action else None
        return refusal is None or str(refusal) not in response.content.decode()

    return probe


def register(workshop, person, board):
    segment = AgendaSegment.objects.create(
        workshop=workshop,
        kind="breakout",
        title="Workshop",
        starts_at=datetime(2030, 1, 1, 15, tzinfo=UTC),
        duration_minutes=30,
        registration_required=True,
    )
    url = reverse("workshops:register", args=[workshop.pk])
    data = {"segment": segment.pk, "registered": "on"}
    return logged_in_client(person).post(url, data).status_code == 302


def choose(workshop, person, board):
    Participant.objects.filter(pk=person.pk).update(breakout=None)
    url = reverse("workshops:choose-breakout", args=[workshop.pk])
    return logged_in_client(person).post(url, {"breakout": board.pk}).status_code == 302


def duplicate(workshop, person, board):
    url = reverse("workshops:duplicate", args=[workshop.pk])
    data = {"title": "Copy", "starts_at": "2031-01-01T10:00"}
    logged_in_client(person).post(url, data)
    return Workshop.objects.filter(title="Copy").exists()


def share_the_report(workshop, person, board):
    url = reverse("workshops:report-share", args=[workshop.pk])
    logged_in_client(person).post(url)
    return ReportLink.objects.exists()


def link_an_answer(workshop, person, board):
    """Link a difficulty of `board` to a practice of another board."""
    target = a_target(workshop, board)
    post_card(target, board, "A difficulty", kind="difficulty")
    difficulty = Card.objects.get(breakout=board, kind="difficulty")
    practice = Card.objects.filter(kind="practice").exclude(breakout=board).first()
    url = reverse("workshops:answer-link", args=[workshop.pk])
    data = {"difficulty_id": difficulty.pk, "practice_id": practice.pk}
    logged_in_client(person).post(url, data)
    return AnswerLink.objects.exists()


def post_card_without_javascript(workshop, person, board):
    url = reverse("workshops:board", args=[workshop.pk, board.pk])
    data = {"kind": "practice", "text": "By form", "op_id": str(uuid.uuid4())}
    response = logged_in_client(person).post(url, data)
    return Card.objects.filter(text="By form").exists() and response.status_code == 302


def on_a_scenario_board(board):
    Breakout.objects.filter(pk=board.pk).update(kind="scenarios", criteria=["Feasibility"])
    return Scenario.objects.create(breakout=board, position=1, title="Scenario", text="Text")


def post_scenario(workshop, person, board):
    on_a_scenario_board(board)
    url = reverse("workshops:board", args=[workshop.pk, board.pk])
    data = {"scenario-title": "Posted", "scenario-text": "Text", "scenario-op_id": uuid.uuid4()}
    logged_in_client(person).post(url, data)
    return Scenario.objects.filter(title="Posted").exists()


def react_to_a_scenario(workshop, person, board):
    scenario = on_a_scenario_board(board)
    url = reverse("workshops:board", args=[workshop.pk, board.pk])
    prefix = f"reaction-{scenario.pk}"
    data = {"scenario": scenario.pk, f"{prefix}-stance": "agree", f"{prefix}-op_id": uuid.uuid4()}
    logged_in_client(person).post(url, data)
    return Reaction.objects.exists()


# Websocket probes -----------------------------------------------------------------------


def over_the_socket(message):
    """Open the board's socket and send one write; refused by the table if the board
    cannot be opened or the error carries the rule's own refusal."""

    def probe(workshop, person, board):
        return asyncio.run(_send(person, board, message(board)))

    return probe


async def _send(person, board, message):
    socket, opened = await open_socket(person, board)
    if not opened:
        await socket.disconnect()
        return False
    await socket.send_json_to({**message, "op_id": str(uuid.uuid4())})
    reply = await socket.receive_json_from(timeout=5)
    while reply["type"] not in ("ack", "error"):
        reply = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    refused = reply["type"] == "error" and reply["code"] == "forbidden"
    return not refused


async def _open(person, board):
    socket, opened = await open_socket(person, board)
    await socket.disconnect()
    return opened


def open_board_socket(workshop, person, board):
    return asyncio.run(_open(person, board))


def in_phase(phase, probe):
    def prepared(workshop, person, board):
        Breakout.objects.filter(pk=board.pk).update(phase=phase)
        return probe(workshop, person, board)

    return prepared


# Every action of the table, with the ways to try it. ----------------------------------

PROBES = {
    "workshop.view": [page("workshops:workshop")],
    "board.view": [board_page, open_board_socket],
    "card.post": [
        over_the_socket(lambda b: {"type": "card.create", "kind": "practice", "text": "Mine"}),
        post_card_without_javascript,
    ],
    "card.hide": [over_the_socket(lambda b: {"type": "card.hide", "card_id": card_on(b).pk})],
    "cluster.edit": [
        over_the_socket(
            lambda b: {"type": "cluster.create", "card_ids": [card_on(b).pk], "title": ""}
        )
    ],
    "vote": [
        in_phase(
            "vote",
            over_the_socket(
                lambda b: {
                    "type": "vote",
                    "target": "card",
                    "target_id": card_on(b).pk,
                    "add": True,
                }
            ),
        )
    ],
    "answer.link": [link_an_answer],
    "summary.write": [
        over_the_socket(lambda b: {"type": "summary.write", "text": "So far", "version": 0})
    ],
    "help.ask": [posted("workshops:help", lambda w, b: {"kind": "hand"})],
    "breakout.choose": [choose],
    "segment.register": [register],
    "control.view": [page("workshops:control"), page("workshops:people")],
    "report.view": [page("workshops:report")],
    "report.share": [share_the_report],
    "report.write": [
        posted("workshops:recommendation-add", lambda w, b: {"new-text": "Do it"}, "report.write")
    ],
    "breakout.steer": [
        control_action("phase", lambda w, b: {"phase": "cluster", "breakout": b.pk}),
    ],
    "participant.move": [
        control_action("move", lambda w, b: {"participant": a_target(w, b).pk, "breakout": b.pk}),
    ],
    "workshop.steer": [steer_all],
    "participant.remove": [
        control_action("remove", lambda w, b: {"participant": a_target(w, b).pk}),
    ],
    "invites.manage": [page("workshops:invites")],
    "registrations.manage": [page("workshops:registrations")],
    "scenario.post": [post_scenario],
    "scenario.react": [react_to_a_scenario],
    "team.manage": [page("workshops:team")],
    "workshop.prepare": [page("workshops:prepare"), duplicate],
}


def test_every_action_of_the_table_is_tried():
    assert set(PROBES) == set(roles.RULES)


def expected(action, role, position, participants_cluster):
    where = roles.RULES[action].where[list(roles.Role).index(role)]
    own = position == OWN_BOARD
    return {
        roles.ALL: True,
        roles.NO: False,
        roles.OWN: own,
        roles.OWN_IF_OPEN: own and participants_cluster,
    }[where]


CASES = [
    (action, role, position, participants_cluster, number)
    for action in roles.RULES
    for role in roles.Role
    for position in (OWN_BOARD, OTHER_BOARD)
    for participants_cluster in ((True, False) if action == "cluster.edit" else (True,))
    for number in range(len(PROBES[action]))
]


@pytest.mark.parametrize(
    ("action", "role", "position", "participants_cluster", "number"),
    CASES,
    ids=[f"{a}-{r}-board{p}-{'open' if o else 'shut'}-{n}" for a, r, p, o, n in CASES],
)
def test_the_table_is_enforced(action, role, position, participants_cluster, number):
    workshop, people = make_people(participants_cluster)
    board = breakout(workshop, position)
    allowed = PROBES[action][number](workshop, people[role], board)
    assert allowed == expected(action, role, position, participants_cluster)


def test_an_observer_cannot_act_as_a_lead():
    workshop, people = make_people()
    observer = logged_in_client(people[roles.Role.OBSERVER])
    for name in ("workshops:prepare", "workshops:invites", "workshops:team"):
        assert observer.get(reverse(name, args=[workshop.pk])).status_code == 403
    target = a_target(workshop, breakout(workshop, OWN_BOARD))
    url = reverse("workshops:control-action", args=[workshop.pk, "remove"])
    observer.post(url, {"participant": target.pk}, HTTP_HX_REQUEST="true")
    assert Participant.objects.get(pk=target.pk).removed_at is None
    assert not duplicate(workshop, people[roles.Role.OBSERVER], None)
