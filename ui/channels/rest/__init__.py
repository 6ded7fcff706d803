"""The REST channel: JSON (and server-sent events) in and out, rich parts kept as structured fields."""

from ui.channels.rest.render import RestChannel
from ui.channels.rest.routes import build_router

__all__ = ["RestChannel", "build_router"]
