"""The product's error hierarchy.

A ``UserError`` is the client's or CLI user's mistake and is shown as one clear line (CLI) or a
4xx JSON ``{"error": ...}`` (HTTP). A ``ConfigError`` is the operator's mistake and its message
starts with the name of the setting to fix.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for errors the product reports deliberately.

    ``code`` names the kind of error for machines (logs, the HTTP edge's status mapping in
    ``ui/errors.py``); ``message_key`` names its client-facing line in ``assistant/catalogue``
    when it has one. Domain errors never carry an HTTP status: the edge decides it from ``code``.
    """

    code = "error"
    message_key: str | None = None


class UserError(AssistantError):
    """Bad input from a user, a file or the network."""

    code = "bad_input"


class ConfigError(AssistantError):
    """A deployment setting is wrong or points at something missing."""

    code = "config"
