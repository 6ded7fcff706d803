"""The document route's adapter onto the OCR package.

``ocr/`` is another team's package; its public entry point is to be ``ocr/pipeline.py``. Until it
exists, ``OcrPipelineVerifier`` reports the check as unavailable and the upload is still stored
with the session for staff. The one place that knows the pipeline's API is ``_run_pipeline``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class DocumentCheckUnavailable(Exception):
    """The OCR pipeline is not installed or not ready; the document is kept unchecked."""


@dataclass(frozen=True)
class DocumentCheck:
    doc_type: str  # invoice | contract | business_licence | other
    verdict: str  # pass | review | fail
    summary: str  # one line for the client: the failed or warned checks
    result: dict[str, Any] = field(default_factory=dict)  # the pipeline's full JSON, for staff


class DocumentVerifier(Protocol):
    def verify(self, path: Path) -> DocumentCheck: ...


class OcrPipelineVerifier:
    def verify(self, path: Path) -> DocumentCheck:
        try:
            pipeline = importlib.import_module("ocr.pipeline")
        except ImportError as exc:
            raise DocumentCheckUnavailable("ocr.pipeline is not available") from exc
        return _run_pipeline(pipeline, path)


def _run_pipeline(pipeline: Any, path: Path) -> DocumentCheck:
    verify = getattr(pipeline, "verify", None)
    if verify is None:
        raise DocumentCheckUnavailable("ocr.pipeline has no verify()")
    report = verify(path)
    data = report.to_json() if hasattr(report, "to_json") else dict(report)
    problems = [c.get("message") or c.get("name") for c in data.get("checks", []) if c.get("status") != "pass"]
    return DocumentCheck(str(data.get("doc_type", "other")), str(data.get("verdict", "review")),
                         "；".join(str(p) for p in problems[:3] if p), data)
