"""The deployment guide's nginx configuration (deploy/nginx.conf) in front of two Daphne
processes: sockets are spread over both, a card reaches everyone whichever process holds
their socket, static files come from nginx, and when one process dies people reconnect
through nginx to the other and go on."""

import asyncio
import json
import os
import re
import shutil
import subprocess
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from tests.conftest import require
from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.servers import daphne, free_port, wait_for_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

DEPLOY_CONFIG = settings.BASE_DIR / "deploy" / "nginx.conf"


@pytest.fixture
def needs_nginx():
    require(shutil.which("nginx") is not None, "nginx", "apt-get install nginx")


def site_config(listen: int, upstreams: list[int]) -> str:
    """deploy/nginx.conf with this test's ports and the repository's static files."""
    text = DEPLOY_CONFIG.read_text()
    servers = re.findall(r"server 127\.0\.0\.1:\d+;", text)
    assert len(servers) == len(upstreams) == 2
    for line, port in zip(servers, upstreams, strict=True):
        text = text.replace(line, f"server 127.0.0.1:{port};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    return text.replace("/srv/facilitate/staticfiles/", f"{settings.BASE_DIR / 'static'}/")


@contextmanager
def nginx(directory: Path, upstreams: list[int]):
    """nginx in the foreground, its files in `directory`; yield its http url."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o777)  # nginx's workers write their temporary files here
    port = free_port()
    (directory / "facilitate.conf").write_text(site_config(port, upstreams))
    user = "user root;" if os.geteuid() == 0 else ""  # the repository may be root's
    (directory / "nginx.conf").write_text(
        f"""{user}
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{}}
http {{
    log_format upstream '$status $upstream_addr $request_uri';
    access_log {directory}/access.log upstream;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include /etc/nginx/mime.types;  # as Debian's own nginx.conf does
    include {directory}/facilitate.conf;
}}
"""
    )
    process = subprocess.Popen(
        [shutil.which("nginx"), "-p", str(directory), "-c", str(directory / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def served_by(access_log: Path, prefix: str, status: str) -> set[str]:
    """Which upstreams nginx passed these requests to ("-": nginx answered itself)."""
    served = set()
    for line in access_log.read_text().splitlines():
        line_status, upstream, uri = line.split(" ", 2)
        if uri.startswith(prefix) and line_status == status:
            served.add(upstream)
    return served


async def connect(base, participant, cookie):
    path = f"/ws/workshops/{participant.workshop_id}/?breakout={participant.breakout_id}"
    url = base.replace("http", "ws") + path
    client = await websockets.connect(
        url, origin="http://127.0.0.1", additional_headers={"Cookie": f"sessionid={cookie}"}
    )
    await next_of_type(client, "ready")
    return client


async def next_of_type(client, kind: str, timeout: float = 10) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await client.recv())
            if message["type"] == kind:
                return message


async def post(client, text: str) -> dict:
    op_id = str(uuid.uuid4())
    await client.send(
        json.dumps({"type": "card.create", "op_id": op_id, "kind": "practice", "text": text})
    )
    return await next_of_type(client, "ack")


async def everyone_sees(clients, text: str) -> None:
    for client in clients:
        event = await next_of_type(client, "event")
        assert event["data"]["card"]["text"] == text


def test_two_processes_behind_the_guides_nginx(
    needs_nginx, needs_postgres, needs_redis, output_dir
):
    workshop = make_workshop()
    room = breakout(workshop, 1)
    people = [make_participant(workshop, room, name) for name in ("Ana", "Bob", "Cyd", "Dan")]
    cookies = [session_cookie(person) for person in people]
    proxy_dir = output_dir / f"nginx-{uuid.uuid4().hex[:8]}"

    async def across_processes(base):
        clients = [await connect(base, p, c) for p, c in zip(people, cookies, strict=True)]
        assert (await post(clients[0], "Sponge parks"))["seq"] == 1
        await everyone_sees(clients[1:], "Sponge parks")
        for client in clients:
            await client.close()

    async def after_one_dies(base):
        clients = [await connect(base, p, c) for p, c in zip(people, cookies, strict=True)]
        assert (await post(clients[1], "Green roofs on bus stops"))["seq"] == 2
        await everyone_sees([clients[0], *clients[2:]], "Green roofs on bus stops")
        for client in clients:
            await client.close()

    with (
        daphne(output_dir, TRUSTED_PROXIES="1") as (first, first_process),
        daphne(output_dir, TRUSTED_PROXIES="1") as (second, _),
    ):
        ports = [int(first.rsplit(":", 1)[1]), int(second.rsplit(":", 1)[1])]
        with nginx(proxy_dir, ports) as base:
            asyncio.run(across_processes(base))
            access_log = proxy_dir / "access.log"
            assert served_by(access_log, "/ws/", "101") == {f"127.0.0.1:{p}" for p in ports}

            with urllib.request.urlopen(f"{base}/static/js/board.js") as response:  # noqa: S310
                assert b"placeCard" in response.read()
            assert served_by(access_log, "/static/", "200") == {"-"}

            first_process.kill()
            first_process.wait()
            asyncio.run(after_one_dies(base))
