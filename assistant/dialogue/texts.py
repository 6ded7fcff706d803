"""The dialogue's lines come from the one catalogue (``assistant/catalogue``)."""

from assistant.catalogue import CHECKS, DOC_TYPES, HINTS, VERDICTS, label, text

__all__ = ["CHECKS", "DOC_TYPES", "HINTS", "VERDICTS", "label", "text"]
