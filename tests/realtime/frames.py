"""Joining the parts of a message split across frames, as static/js/live.js does."""

import json


class PartJoiner:
    def __init__(self):
        self.parts: list[str] = []
        self.id = None

    def message(self, frame: str) -> dict | None:
        """The message this frame completes, or None while parts are still missing."""
        message = json.loads(frame)
        if message["type"] != "part":
            return message
        if message["index"] == 0:
            self.parts, self.id = [], message["id"]
        if message["index"] != len(self.parts) or message["id"] != self.id:
            self.parts = []
            return None
        self.parts.append(message["text"])
        if len(self.parts) < message["count"]:
            return None
        whole, self.parts = "".join(self.parts), []
        return json.loads(whole)
