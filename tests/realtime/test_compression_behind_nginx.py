"""Behind the deployment guide's nginx, a board's page, styles and scripts travel
gzipped: what the page-weight test counts is what people download."""

import urllib.request
import uuid

import pytest

from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.nginx import nginx
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True)]

ASSETS = ["/static/js/board.js", "/static/css/app.css", "/static/js/clusters.js"]


def fetch(url: str, cookie: str = "") -> tuple[str | None, int]:
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept-Encoding": "gzip", "Cookie": f"sessionid={cookie}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return response.headers.get("Content-Encoding"), len(response.read())


@pytest.mark.usefixtures("needs_nginx")
def test_the_board_travels_gzipped(needs_postgres, needs_redis, output_dir):
    workshop = make_workshop()
    room = breakout(workshop, 1)
    cookie = session_cookie(make_participant(workshop, room, "Ana"))
    with (
        daphne(output_dir, TRUSTED_PROXIES="1") as (first, _),
        daphne(output_dir, TRUSTED_PROXIES="1") as (second, _),
    ):
        ports = [int(first.rsplit(":", 1)[1]), int(second.rsplit(":", 1)[1])]
        with nginx(output_dir / f"nginx-{uuid.uuid4().hex[:8]}", ports) as base:
            board = fetch(f"{base}/w/{workshop.pk}/b/{room.pk}/", cookie)
            catalogue = fetch(f"{base}/jsi18n/?language=fr")
            assets = [fetch(base + path) for path in ASSETS]
    for encoding, _ in [board, catalogue, *assets]:
        assert encoding == "gzip", [board, catalogue, *assets]
    print(f"\nGzipped behind nginx: board page {board[1]} B, assets {[a[1] for a in assets]} B")
