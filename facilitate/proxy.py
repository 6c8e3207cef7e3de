"""The client's address behind reverse proxies, for limits and logs.

Each proxy appends the address it saw to X-Forwarded-For. With TRUSTED_PROXIES = N,
the client is the Nth entry from the right: the address the outermost trusted proxy
saw. Entries further left were written by the client itself and prove nothing, so
rotating them does not escape a limit. With no proxy (N = 0) the socket's peer is used.
"""

import ipaddress

from django.conf import settings


def client_address(scope, trusted: int):
    forwarded = []
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded += [part.strip() for part in value.decode("latin-1").split(",")]
    if trusted == 0 or len(forwarded) < trusted:
        return scope.get("client")
    candidate = forwarded[-trusted]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return scope.get("client")
    return (candidate, 0)


class ForwardedClient:
    """ASGI middleware setting scope["client"] to the client behind trusted proxies."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and settings.TRUSTED_PROXIES:
            scope = {**scope, "client": client_address(scope, settings.TRUSTED_PROXIES)}
        return await self.app(scope, receive, send)
