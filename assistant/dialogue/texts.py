"""The dialogue's lines come from the one catalogue (``assistant/catalogue``)."""

from assistant.catalogue import DOC_TYPES, HINTS, VERDICTS, text

__all__ = ["DOC_TYPES", "HINTS", "VERDICTS", "text"]
