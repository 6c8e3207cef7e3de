"""Cut a websocket that floods the server, before it starves the process.

Daphne reads every frame a client sends and queues it for the application without any
bound, so a client sending as fast as it can keeps the event loop busy parsing its frames
and the application's own rate limit (an error, then a close) never gets its turn. This
protocol drops such a connection at the transport once it sends far more than the
application allows (WS_FLOOD_PER_SECOND, WS_FLOOD_BURST); the application's limit stays
the one a normal client meets.
"""

import logging

from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from django.conf import settings

from .ratelimit import TokenBucket

logger = logging.getLogger(__name__)


class FloodGuardProtocol(WebSocketProtocol):
    def onMessage(self, payload, isBinary):
        if not hasattr(self, "frames"):
            self.frames = TokenBucket(settings.WS_FLOOD_PER_SECOND, settings.WS_FLOOD_BURST)
        if self.frames.allow():
            super().onMessage(payload, isBinary)
        elif self.state == self.STATE_OPEN:
            logger.warning("websocket flood from %s: connection dropped", self.client_addr)
            self.dropConnection(abort=True)


def install() -> None:
    WebSocketFactory.protocol = FloodGuardProtocol
