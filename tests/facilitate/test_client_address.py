"""Behind reverse proxies the client is the address the outermost trusted proxy saw;
what a client writes into X-Forwarded-For itself does not change who it is."""

import secrets
import urllib.error
import urllib.request

import pytest

from facilitate.proxy import client_address
from tests.servers import daphne


def scope(forwarded=None, peer="10.0.0.1"):
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded or []]
    return {"type": "http", "headers": headers, "client": (peer, 5000)}


@pytest.mark.parametrize(
    ("forwarded", "trusted", "client"),
    [
        (None, 0, "10.0.0.1"),
        (["1.2.3.4"], 0, "10.0.0.1"),  # no proxy trusted: the header is the client's word
        (["1.2.3.4"], 1, "1.2.3.4"),
        (["6.6.6.6, 1.2.3.4"], 1, "1.2.3.4"),  # the client wrote 6.6.6.6 itself
        (["6.6.6.6", "1.2.3.4"], 1, "1.2.3.4"),  # several headers count as one list
        (["6.6.6.6, 1.2.3.4, 10.1.1.1"], 2, "1.2.3.4"),
        (["1.2.3.4"], 2, "10.0.0.1"),  # fewer hops than proxies: not through them
        (["not-an-address"], 1, "10.0.0.1"),
    ],
)
def test_the_client_is_the_rightmost_untrusted_hop(forwarded, trusted, client):
    assert client_address(scope(forwarded), trusted)[0] == client


@pytest.mark.django_db(transaction=True)
def test_rotating_forwarded_addresses_does_not_escape_the_invite_limit(output_dir):
    def guesses(base, forwarded_for, count):
        statuses = []
        for number in range(count):
            url = f"{base}/join/{secrets.token_urlsafe(32)}/"
            headers = {"X-Forwarded-For": forwarded_for(number)}
            request = urllib.request.Request(url, headers=headers)  # noqa: S310
            try:
                statuses.append(urllib.request.urlopen(request).status)  # noqa: S310
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        return statuses

    with daphne(output_dir, TRUSTED_PROXIES="1") as (base, _):
        # 30 a minute, counted in windows of a minute: 61 guesses fill one window whole.
        rotating = guesses(base, lambda n: f"6.6.6.{n}, 1.2.3.4", 61)
        behind_the_proxy = guesses(base, lambda n: f"5.5.5.{n}", 40)
    assert rotating.index(429) >= 30
    assert set(behind_the_proxy) == {404}  # 40 people behind the proxy, one guess each
