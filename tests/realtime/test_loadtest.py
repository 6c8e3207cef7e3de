"""The load generator (`manage.py loadtest`) end to end against a real server, its bare
comparison servers, and how it reads messages split into parts."""

import asyncio
import json
import os
import subprocess
import sys

import orjson
import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model

from realtime.loadtest import targets, wire
from tests.servers import daphne, shared_database_url

PASSWORD = "a-long-password-1"


@pytest.mark.django_db(transaction=True)
def test_the_quick_scenario_delivers_every_card_once_to_everyone(output_dir, tmp_path):
    get_user_model().objects.create_user(username="lead", password=PASSWORD)
    figures = tmp_path / "loadtest.json"
    command = [
        *("manage.py", "loadtest", "--scenario", "quick", "--username", "lead"),
        *("--password", PASSWORD, "--json", str(figures)),
    ]
    environment = {**os.environ, "DATABASE_URL": shared_database_url()}
    with daphne(output_dir) as (url, server):
        run = subprocess.run(
            [sys.executable, *command, "--url", url, "--server-pid", str(server.pid)],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    assert "delivery latency ms p50/p95/p99/max" in run.stdout
    assert "lost / duplicated / out of order" in run.stdout
    result = json.loads(figures.read_text())["results"][0]
    load = next(phase for phase in result["phases"] if phase["phase"] == "load")
    posts, deliveries = load["posts"], load["deliveries"]
    assert posts["acked"] == posts["scheduled"] > 0
    # Every card reaches the 4 members of its board (the control room gets rows).
    assert deliveries["expected"] == posts["acked"] * 4
    assert deliveries["delivered"] == deliveries["expected"]
    assert deliveries["lost"] == deliveries["duplicated"] == 0
    assert load["server"]["cpu_s"] is not None
    assert result["memory"]["bytes_per_idle_connection"] is not None


@pytest.mark.parametrize("start", [targets.serve_bare_daphne, targets.serve_bare_websockets])
def test_a_bare_server_answers_like_the_app(start):
    """Ack to the sender, one event of the app's shape to the room, nothing to another
    room nor to a control room (the app's get rendered rows, not events)."""
    target = start(None)
    base = target.http_url.replace("http", "ws")

    async def exchange():
        sender = await websockets.connect(f"{base}/ws/workshops/1/?breakout=7&lang=en")
        watcher = await websockets.connect(f"{base}/ws/workshops/1/?view=control&lang=en")
        outsider = await websockets.connect(f"{base}/ws/workshops/1/?breakout=8&lang=en")
        text = wire.card_text(1, 123, 50)
        await sender.send(wire.card_create("op-1", text))
        replies = [json.loads(await sender.recv()) for _ in range(2)]
        for other in (watcher, outsider):
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(other.recv(), 0.5)
        for client in (sender, watcher, outsider):
            await client.close()
        return replies

    try:
        replies = asyncio.run(exchange())
    finally:
        target.stop()
    ack = next(reply for reply in replies if reply["type"] == "ack")
    assert ack == {"type": "ack", "op_id": "op-1", "seq": 1}
    seen = next(reply for reply in replies if reply["type"] == "event")
    assert (seen["breakout"], seen["seq"], seen["name"]) == (7, 1, "card.created")
    assert wire.read_marker(seen["data"]["card"]["text"]) == wire.Marker(1, 123)


def test_parts_are_put_back_together_in_index_order():
    original = {"type": "event", "seq": 3, "data": {"card": {"text": "é" * 40}}}
    text = orjson.dumps(original).decode()
    chunks = [text[:10], text[10:30], text[30:]]
    reader = wire.Reassembler()

    def part(message_id, index, chunk, count=3):
        return orjson.dumps(
            {"type": "part", "id": message_id, "index": index, "count": count, "text": chunk}
        )

    assert reader.feed(part("a", 2, chunks[2])) is None
    assert reader.feed(part("b", 0, "{}", count=1)) == {}
    assert reader.feed(part("a", 0, chunks[0])) is None
    assert reader.feed(orjson.dumps({"type": "head", "seq": 3})) == {"type": "head", "seq": 3}
    assert reader.feed(part("a", 1, chunks[1])) == original
    assert reader.pending == {}
