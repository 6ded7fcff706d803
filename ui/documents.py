"""Documents as channels show them: the client's view of a checked document.

The app hands the dialogue manager ``assistant.wiring.build_verifier(annotate=True)``, so
uploads through the widget and the API come with annotated page images.
"""

from __future__ import annotations

from typing import Any

from assistant.privacy import client_check_message
from assistant.store.models import Document


def document_json(document: Document, link: Any) -> dict[str, Any]:
    """What a client sees of their document: verdict, the fields read, the check list, annotated pages as links."""
    result = document.result or {}
    return {"id": document.id, "filename": document.filename, "doc_type": document.doc_type,
            "verdict": document.verdict,
            "checks": [{"name": c.get("name"), "status": c.get("status"),
                        "message": client_check_message(c.get("name"), c.get("status"),
                                                        c.get("detail") or c.get("message"))}
                       for c in result.get("checks", [])],
            "fields": {name: str(f["value"]) for name, f in (result.get("fields") or {}).items()
                       if isinstance(f, dict) and isinstance(f.get("value"), (str, int, float)) and f["value"] != ""},
            "note": result.get("note"), "annotated": [link(p) for p in result.get("annotated", [])]}
