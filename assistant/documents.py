"""The document route's adapter onto the OCR package (``ocr.pipeline.verify_document``).

``ocr/`` is another team's package; this module is the one place that knows its API, so a change
there is a change here only. The OCR engine loads on the first upload, not at start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np

from assistant.clock import Clock, system_clock
from assistant.privacy import client_check_message


class DocumentCheckUnavailable(Exception):
    """The OCR pipeline or its engine is not available; the document is kept unchecked."""


class DocumentUnreadable(Exception):
    """The file is not a readable document; the message is for the client (``by_language`` when it comes
    in each language, e.g. the request to retake a photo of no document)."""

    def __init__(self, message: str, by_language: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.by_language = by_language or {}


@dataclass(frozen=True)
class DocumentCheck:
    doc_type: str  # invoice | contract | business_licence | other
    verdict: str  # pass | review | fail
    summary: str  # one line for the client: the failed or warned checks
    result: dict[str, Any] = field(default_factory=dict)  # the pipeline's full JSON, for staff


class DocumentVerifier(Protocol):
    def verify(self, path: Path, applicant: str | None = None) -> DocumentCheck:
        """Check the document; ``applicant``, when known, must be one of its parties."""


class _LazyEngine:
    """Builds the real OCR engine on first use: a file rejected before OCR (or a PDF with a text
    layer) never loads the models. Thread-safe, since two first uploads may arrive together."""

    def __init__(self, config: Any) -> None:
        self.config, self._engine = config, None
        self.name = config.name
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._engine is None:
                from ocr.engine import build_engine

                self._engine = build_engine(self.config)
            return self._engine

    def recognise(self, image: np.ndarray) -> list[Any]:
        return self._get().recognise(image)

    def __getattr__(self, name: str) -> Any:  # e.g. the engine's last_upside_down_share
        return getattr(self._get(), name)


class OcrPipelineVerifier:
    """The document check. ``annotate`` also draws the boxes and labels on each page, for channels
    that can show images (the widget, the console); the terminal chat cannot.

    Built by ``assistant.wiring.build_verifier`` from settings; the invoice-age check counts days
    in the bank's time zone from the clock passed in, not the server's local date.
    """

    def __init__(self, engine_config: Any, options: Any, *, annotate: bool = False,
                 timezone: ZoneInfo, clock: Clock = system_clock) -> None:
        self.engine_config, self.options, self.annotate = engine_config, options, annotate
        self.clock, self.timezone = clock, timezone
        self._engine: _LazyEngine | None = None

    def verify(self, path: Path, applicant: str | None = None) -> DocumentCheck:
        try:
            from ocr.errors import DocumentRejected, OcrError
            from ocr.pipeline import verify_document
        except ImportError as exc:
            raise DocumentCheckUnavailable(f"ocr.pipeline is not available: {exc}") from exc
        if self._engine is None:
            self._engine = _LazyEngine(self.engine_config)
        options = replace(self.options, now=self.clock(), timezone=self.timezone.key, applicant=applicant,
                          annotate_dir=path.parent / "annotated" if self.annotate else None)
        try:
            result = verify_document(path, self._engine, options)
        except DocumentRejected as exc:
            raise DocumentUnreadable(str(exc)) from exc
        except OcrError as exc:
            raise DocumentCheckUnavailable(str(exc)) from exc
        data = result.to_json()
        if result.verdict == "retake":  # not an invoice, contract or licence: ask for the right one
            said = data["client_message"]
            raise DocumentUnreadable(f"{said['zh']}（{said['en']}）", dict(said))
        problems = [client_check_message(c.get("name"), c.get("status"), c.get("detail") or c.get("name"))
                    for c in data.get("checks", []) if c.get("status") != "pass"]
        return DocumentCheck(result.doc_type, result.verdict, "；".join(str(p) for p in problems[:3] if p), data)
