"""Setting a workshop up through the app's own pages, as people do in a browser.

A facilitator logs in, creates the workshop, its challenges and breakouts and a shared
invitation link; every participant opens the link in a browser of their own and joins
a breakout. Each `Browser` keeps its own cookies; all share one connection pool.
"""

import asyncio
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

CHALLENGES = 3  # breakouts are spread over this many challenges

logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request


class SetupError(Exception):
    """A page did not answer as a browser expects; the message says which and why."""


@dataclass
class Board:
    breakout_id: int
    seq: int
    epoch: int
    participants: list[str] = field(default_factory=list)  # Cookie headers


@dataclass
class Topology:
    """What the sockets need: the workshop, its boards and everyone's session cookies."""

    workshop_id: int
    boards: list[Board]
    facilitators: list[str]  # Cookie headers, one logged-in session each


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radios and selects


class Forms(HTMLParser):
    """The forms of a page, their hidden and text values and their choices."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[Form] = []
        self.select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", "")))
        elif not self.forms:
            return
        elif tag == "input" and attributes.get("type") in ("radio", "checkbox"):
            self.forms[-1].choices.setdefault(attributes["name"], []).append(
                attributes.get("value", "on")
            )
        elif tag == "input" and "name" in attributes:
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "select":
            self.select = attributes.get("name")
        elif tag == "option" and self.select and attributes.get("value"):
            self.forms[-1].choices.setdefault(self.select, []).append(attributes.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None

    def with_field(self, name: str) -> Form:
        for form in self.forms:
            if name in form.fields or name in form.choices:
                return form
        raise SetupError(f"no form with a field {name!r} on the page")


class Browser:
    """One person's browser: its own cookies, the shared connection pool."""

    def __init__(self, base_url: str, transport: httpx.AsyncHTTPTransport):
        self.client = httpx.AsyncClient(
            base_url=base_url, transport=transport, follow_redirects=False, timeout=60
        )

    async def get(self, path: str) -> str:
        response = await self.client.get(path)
        if response.status_code != 200:
            raise SetupError(f"GET {path} answered {response.status_code}{server_error(response)}")
        return response.text

    async def submit(self, path: str, field_name: str, data: dict, redirect=True) -> httpx.Response:
        """Open `path`, fill the form that has `field_name` and post it (to its action,
        with its CSRF token). A redirect means the form was accepted."""
        form = Forms(await self.get(path)).with_field(field_name)
        response = await self.client.post(form.action or path, data={**form.fields, **data})
        if redirect and response.status_code != 302:
            raise SetupError(
                f"POST {path} was refused ({response.status_code}): {errors(response)}"
                + server_error(response)
            )
        return response

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.client.cookies.jar)

    async def login(self, username: str, password: str) -> None:
        data = {"username": username, "password": password}
        try:
            await self.submit("/login/", "username", data)
        except SetupError:
            raise SetupError(
                f"login refused for {username!r}: give --username and --password "
                "(`python manage.py seed_demo` prints the demo facilitator's)"
            ) from None


def server_error(response: httpx.Response) -> str:
    return " (a server error: see the server's log)" if response.status_code >= 500 else ""


def errors(response: httpx.Response) -> str:
    """The error texts of a refused form, for the message."""
    found = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", item) for item in found)
    return " ".join(text.split()) or "no error shown"


async def create_workshop(
    browser: Browser, title: str, breakouts: int
) -> tuple[int, list[int], str]:
    """The workshop's id, its breakouts' ids in order and the path of a shared invite."""
    response = await browser.submit(
        "/new/",
        "title",
        {
            "title": title,
            "timezone": "UTC",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T12:00",
        },
    )
    workshop_id = int(re.search(r"/w/(\d+)/", response.headers["location"]).group(1))
    prepare = f"/w/{workshop_id}/prepare/"
    for number in range(1, min(CHALLENGES, breakouts) + 1):
        data = {"challenge-title": f"Challenge {number}", "challenge-question": "What works?"}
        await browser.submit(prepare, "challenge-title", data)
    challenges = Forms(await browser.get(prepare)).with_field("breakout-name")
    challenge_ids = challenges.choices["breakout-challenge"]
    for number in range(breakouts):
        data = {
            "breakout-challenge": challenge_ids[number % len(challenge_ids)],
            "breakout-name": f"Board {number + 1}",
            "breakout-capacity": "",
        }
        await browser.submit(prepare, "breakout-name", data)
    return (
        workshop_id,
        await breakout_ids(browser, prepare, breakouts),
        await invite(browser, workshop_id),
    )


async def breakout_ids(browser: Browser, prepare: str, expected: int) -> list[int]:
    page = await browser.get(prepare)
    ids = [int(found) for found in re.findall(r'action="[^"]*/prepare/breakout/(\d+)/"', page)]
    if len(ids) != expected:
        raise SetupError(f"{prepare} lists {len(ids)} breakouts, {expected} were added")
    return ids


async def invite(browser: Browser, workshop_id: int) -> str:
    response = await browser.submit(
        f"/w/{workshop_id}/invites/", "label", {"label": "Load test"}, redirect=False
    )
    found = re.search(r'value="[^"]*?(/join/[^"/]+/)"', response.text)
    if not found:
        raise SetupError(f"no invitation link on /w/{workshop_id}/invites/: {errors(response)}")
    return found.group(1)


async def board_state(browser: Browser, workshop_id: int, breakout_id: int) -> Board:
    """The board's seq and epoch, as its page gives them to the board's script."""
    page = await browser.get(f"/w/{workshop_id}/b/{breakout_id}/")
    seq = re.search(r'data-seq="(\d+)"', page)
    epoch = re.search(r'data-epoch="(\d+)"', page)
    if not (seq and epoch):
        raise SetupError(f"no data-seq/data-epoch on the board page of breakout {breakout_id}")
    return Board(breakout_id, int(seq.group(1)), int(epoch.group(1)))


async def join(browser: Browser, invite_path: str, name: str, breakout_id: int) -> str:
    data = {"display_name": name, "breakout": str(breakout_id)}
    response = await browser.submit(invite_path, "display_name", data)
    if f"/b/{breakout_id}/" not in response.headers["location"]:
        raise SetupError(f"{name} joined but was sent to {response.headers['location']}")
    return browser.cookie_header()


async def build(
    base_url: str,
    username: str,
    password: str,
    *,
    breakouts: int,
    per_breakout: int,
    facilitators: int,
    concurrency: int,
    title: str,
) -> Topology:
    """Create the workshop and join everyone; `concurrency` requests at most at once."""
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=concurrency))
    limit = asyncio.Semaphore(concurrency)

    async def facilitator() -> Browser:
        browser = Browser(base_url, transport)
        async with limit:
            await browser.login(username, password)
        return browser

    async def participant(invite_path: str, board: Board, number: int) -> None:
        name = f"Board {board.breakout_id} person {number}"
        async with limit:
            cookie = await join(Browser(base_url, transport), invite_path, name, board.breakout_id)
        board.participants.append(cookie)

    try:
        lead = await facilitator()
        workshop_id, ids, invite_path = await create_workshop(lead, title, breakouts)
        boards = [await board_state(lead, workshop_id, breakout_id) for breakout_id in ids]
        await asyncio.gather(
            *(participant(invite_path, b, n) for n in range(per_breakout) for b in boards)
        )
        sessions = await asyncio.gather(*(facilitator() for _ in range(facilitators)))
        cookies = [session.cookie_header() for session in sessions]
    finally:
        await transport.aclose()
    return Topology(workshop_id, boards, cookies)
