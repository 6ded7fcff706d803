"""Reading a server-sent-events stream line by line, as the load programs and the tests do.

``feed`` takes one line at a time, so a reader can check whether to stop between lines (the
server's keep-alive comments arrive as lines too); it returns ``(event, data)`` when a blank line
completes an event with data, else None.
"""

from __future__ import annotations

import json
from typing import Any


class SseParser:
    def __init__(self) -> None:
        self.event, self.data = "", ""

    def feed(self, line: str) -> tuple[str, Any] | None:
        if line.startswith("event: "):
            self.event = line[7:]
        elif line.startswith("data: "):
            self.data = line[6:]
        elif line == "" and self.data:
            done = (self.event, json.loads(self.data))
            self.event, self.data = "", ""
            return done
        return None
