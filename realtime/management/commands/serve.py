"""Serve the app with Daphne and the limits it should always run with."""

import threading

from daphne.cli import CommandLineInterface
from django.core.management.base import BaseCommand

from realtime import flood_guard, protocol
from workshops import clustering, languages

# A connect storm (everyone reconnecting at once) needs longer than Daphne's default 5 s
# handshake window. Frames above the protocol's limit are refused in both directions
# (the app splits its own large messages into parts below it).
DAPHNE_FLAGS = [
    "--websocket_connect_timeout",
    "30",
    "--websocket-max-message-size",
    str(protocol.MAX_FRAME_BYTES),
    "--websocket-max-frame-size",
    str(protocol.MAX_FRAME_BYTES),
    "--ping-interval",
    "20",
    "--ping-timeout",
    "30",
]


class Command(BaseCommand):
    help = "Serve facilitate.asgi with Daphne (TRUSTED_PROXIES=N behind N reverse proxies)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        flood_guard.install()
        # Load the models now, so the first "Suggest clusters" and card do not wait.
        threading.Thread(target=clustering.sentence_encoder, daemon=True).start()
        threading.Thread(target=languages.load, daemon=True).start()
        CommandLineInterface().run(
            ["-b", host, "-p", str(port), *DAPHNE_FLAGS, "facilitate.asgi:application"]
        )
