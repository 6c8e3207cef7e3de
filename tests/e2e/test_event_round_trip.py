"""Every event type, applied by the board's client to what it showed before, gives the
page a fresh load of the same board gives (as Zulip's verify_action does for its
events): for a participant of the board and for a facilitator watching it.

The pages stay open through every step; after each one, a new tab loads the board and
both are read the same way: cards, clusters, votes, summaries, phase, timer, settings."""

import json
import uuid

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.e2e.browser import chromium, log_in
from tests.factories import (
    breakout,
    make_facilitator,
    make_participant,
    make_workshop,
    session_cookie,
)
from tests.servers import daphne
from workshops.models import Breakout, Card, Cluster

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# What a person sees on a board, read from the page (not from the client's memory).
READ_BOARD = """() => {
  const text = (element) => (element ? element.textContent.trim().replace(/\\s+/g, " ") : null);
  const board = document.getElementById("board");
  const cards = (list) => [...list.querySelectorAll(":scope > li[data-card]")].map((card) => ({
    id: card.dataset.card,
    text: text(card.querySelector(".card-text")),
    author: text(card.querySelector(".author")),
    hidden: card.classList.contains("card--hidden"),
    votes: text(card.querySelector(".vote-count")),
    dots: text(card.querySelector(".my-dots")),
  }));
  const timer = document.querySelector(".board-status [data-timer]");
  const notice = document.getElementById("phase-notice");
  return {
    phase: [board.dataset.phase, text(document.querySelector("#phase .phase-label"))],
    notice: notice.hidden ? null : text(notice),
    postingDisabled: [...board.querySelectorAll("form.card-form textarea")].map((t) => t.disabled),
    settings: ["data-allow-anonymous", "data-can-cluster", "data-votes-visible"].filter(
      (name) => board.hasAttribute(name)),
    clusters: [...document.querySelectorAll("#clusters > .cluster")].map((cluster) => ({
      id: cluster.dataset.cluster,
      title: text(cluster.querySelector(".cluster-title")),
      cards: cards(cluster.querySelector(".cluster-cards")),
      keyPoints: text(cluster.querySelector(".key-points-text")),
      version: cluster.querySelector(".summary-editor").dataset.version,
      votes: text(cluster.querySelector(".cluster-head .vote-count")),
    })),
    columns: ["practice", "difficulty"].map(
      (kind) => cards(document.getElementById(`cards-${kind}`))),
    results: [...document.querySelectorAll("#results li")].map(text),
    votesLeft: ["votes-left", "vote-budget"].map((id) => text(document.getElementById(id))),
    summary: [text(document.getElementById("summary-text")),
      document.querySelector(".summary > .summary-editor")?.dataset.version],
    timer: [timer.dataset.endsAt, timer.dataset.pausedSeconds, timer.hidden],
    messages: [...document.querySelectorAll("#messages > li")].map(text),
  };
}"""


class Socket:
    """A person's websocket to the board, sending writes as the board page does."""

    def __init__(self, base, room, cookie):
        url = f"{base.replace('http', 'ws')}/ws/workshops/{room.workshop_id}/?breakout={room.pk}"
        self.socket = connect(
            url, origin=base, additional_headers={"Cookie": f"sessionid={cookie}"}
        )

    def write(self, type, **fields):
        self.socket.send(json.dumps({"type": type, "op_id": str(uuid.uuid4()), **fields}))
        while (reply := json.loads(self.socket.recv(timeout=10)))["type"] not in ("ack", "error"):
            pass
        assert reply["type"] == "ack", reply
        return reply["seq"]


class Lead:
    """The lead's control-room actions, posted as the control room does."""

    def __init__(self, page, base, workshop):
        self.page, self.base, self.workshop = page, base, workshop

    def act(self, name, **fields):
        return self._post(f"/w/{self.workshop.pk}/control/{name}/", fields)

    def board_settings(self, room, **fields):
        return self._post(f"/w/{self.workshop.pk}/b/{room.pk}/settings/", fields)

    def _post(self, path, fields):
        token = next(c["value"] for c in self.page.context.cookies() if c["name"] == "csrftoken")
        response = self.page.request.post(
            self.base + path, form=fields, headers={"X-CSRFToken": token, "HX-Request": "true"}
        )
        assert response.ok, response.status
        assert 'class="error"' not in response.text(), response.text()


def head(room) -> int:
    return Breakout.objects.get(pk=room.pk).seq


def read_when_caught_up(page, seq):
    expect(page.locator("#board")).to_have_attribute("data-seq", str(seq), timeout=10_000)
    return page.evaluate(READ_BOARD)


def test_every_event_applied_equals_a_fresh_page(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    bob = make_participant(workshop, room, "Bob")
    make_facilitator(workshop, "lead")
    lead_person = workshop.participants.get(display_name="lead")
    cookies = {who.pk: session_cookie(who) for who in (ana, bob, lead_person)}
    board_path = f"/w/{workshop.pk}/b/{room.pk}/"

    with daphne(output_dir) as (base, _), chromium() as browser:
        member = browser.new_context()
        member.add_cookies([{"name": "sessionid", "value": cookies[ana.pk], "url": base}])
        member_page = member.new_page()
        member_page.goto(base + board_path)
        team = browser.new_context()
        team_page = team.new_page()
        log_in(team_page, base, "lead", board_path)
        pages = {"member": member_page, "team": team_page}
        for page in pages.values():
            expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
        bobs, leads = (
            Socket(base, room, cookies[bob.pk]),
            Socket(base, room, cookies[lead_person.pk]),
        )
        lead = Lead(team_page, base, workshop)

        def check(step):
            seq = head(room)
            for audience, page in pages.items():
                applied = read_when_caught_up(page, seq)
                fresh = page.context.new_page()
                fresh.goto(base + board_path)
                expect(fresh.locator("#connection-status")).to_have_attribute(
                    "data-state", "connected"
                )
                loaded = read_when_caught_up(fresh, seq)
                fresh.close()
                assert applied == loaded, f"{step}, seen by the {audience}"

        bobs.write("card.create", kind="practice", text="Rain gardens")
        bobs.write("card.create", kind="difficulty", text="No budget for maintenance")
        check("card.created")
        lead.act("anonymous", allowed="on")
        bobs.write(
            "card.create", kind="difficulty", text="Quietly: the mayor blocks it", anonymous=True
        )
        check("settings.changed (anonymous) and an anonymous card")

        hidden = Card.objects.get(text="No budget for maintenance")
        leads.write("card.hide", card_id=hidden.pk)
        check("card.hidden")
        leads.write("card.restore", card_id=hidden.pk)
        check("card.restored")

        rain, quiet = (
            Card.objects.get(text="Rain gardens"),
            Card.objects.get(text__startswith="Quietly"),
        )
        leads.write("cluster.create", card_ids=[rain.pk], title="")
        leads.write("cluster.create", card_ids=[quiet.pk], title="Politics")
        first, second = Cluster.objects.order_by("pk")
        leads.write("card.move", card_id=hidden.pk, cluster_id=first.pk)
        leads.write("cluster.reorder", cluster_id=second.pk, position=1)
        check("layout.changed: create, move, reorder (an untitled cluster)")
        leads.write("cluster.rename", cluster_id=first.pk, title="Maintenance")
        leads.write("cluster.merge", cluster_id=second.pk, into_id=first.pk)
        check("layout.changed: rename and merge")
        leads.write("card.hide", card_id=hidden.pk)
        check("card.hidden while in a cluster")

        lead.board_settings(room, participants_cluster="on", vote_budget="3")
        check("settings.changed (participants cluster)")
        lead.act("phase", phase="vote", breakout=room.pk)
        check("phase.changed to vote")
        member_page.locator(f"#card-{rain.pk} > .vote [data-vote='add']").click()
        bobs.write("vote", target="cluster", target_id=first.pk, add=True)
        check("votes.changed, hidden totals")
        lead.board_settings(room, participants_cluster="on", vote_budget="5", votes_visible="on")
        check("votes.changed: a new budget and totals shown")

        leads.write("summary.write", cluster_id=None, text="We agreed on rain gardens.", version=0)
        leads.write(
            "summary.write", cluster_id=first.pk, text="- Maintain them\n- Fund them", version=0
        )
        check("summary.changed")
        lead.act("timer", command="start", minutes="10", action="close", breakout=room.pk)
        check("timer.changed: started")
        lead.act("timer", command="pause", breakout=room.pk, minutes="", action="")
        check("timer.changed: paused")
        lead.act("message", text="Five minutes left", breakout=room.pk)
        check("message.posted")
        lead.act("phase", phase="closed", breakout=room.pk)
        check("phase.changed to closed")
        member_page.screenshot(path=output_dir / "round-trip-member.png", full_page=True)
        team_page.screenshot(path=output_dir / "round-trip-team.png", full_page=True)
