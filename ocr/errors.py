"""Errors the OCR package reports deliberately.

``ocr/`` does not import from ``assistant/``; the CLI and the dialogue manager map these onto the
product's hierarchy (a rejected document is the user's mistake, an engine problem the operator's).
"""

from __future__ import annotations


class OcrError(Exception):
    """Base class for the OCR package's own errors."""


class DocumentRejected(OcrError):
    """The uploaded file cannot be read: wrong type, corrupt, too large, encrypted, empty."""


class EngineUnavailable(OcrError):
    """The configured engine or its model files are missing; the message names the setting."""
