"""Serve the app with Daphne and the limits it should always run with."""

import os
import threading

from daphne.cli import CommandLineInterface
from django.core.management.base import BaseCommand

from realtime import flood_guard
from workshops import clustering

# A connect storm (everyone reconnecting at once) needs longer than Daphne's default 5 s
# handshake window; frames above 64 KiB are refused before the application sees them.
DAPHNE_FLAGS = [
    "--websocket_connect_timeout",
    "30",
    "--websocket-max-message-size",
    "65536",
    "--websocket-max-frame-size",
    "65536",
    "--ping-interval",
    "20",
    "--ping-timeout",
    "30",
]


class Command(BaseCommand):
    help = "Serve facilitate.asgi with Daphne (BEHIND_PROXY=1 trusts X-Forwarded-For)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        proxy = ["--proxy-headers"] if os.environ.get("BEHIND_PROXY") == "1" else []
        flood_guard.install()
        # Load the sentence encoder now, so the first "Suggest clusters" does not wait.
        threading.Thread(target=clustering.sentence_encoder, daemon=True).start()
        CommandLineInterface().run(
            ["-b", host, "-p", str(port), *DAPHNE_FLAGS, *proxy, "facilitate.asgi:application"]
        )
