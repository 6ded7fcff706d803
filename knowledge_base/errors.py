"""Errors of the knowledge base. The CLI and HTTP layers turn them into one clear message."""

from __future__ import annotations


class KnowledgeBaseError(Exception):
    """Base class."""


class SourceError(KnowledgeBaseError):
    """One input file cannot be read (missing, empty, corrupt, encrypted, too large, wrong type).

    The batch goes on without it; the message is one line a user can act on.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnknownKnowledgeBase(KnowledgeBaseError):
    """The named knowledge base has not been built."""


class ModelUnavailable(KnowledgeBaseError):
    """A configured model (embedding, reranker) is not installed; the message names the setting."""
