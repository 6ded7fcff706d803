"""What extraction and checking produce: fields with their evidence, checks, a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ocr.layout import Token
from ocr.validators import Repair

Status = Literal["pass", "warn", "fail"]
Verdict = Literal["pass", "review", "fail"]

DOC_TYPES = ("invoice", "contract", "business_licence", "other")


@dataclass
class Field:
    name: str
    value: Any  # str, Decimal, date, bool or a list of dicts (line items)
    confidence: float
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in page pixels
    page: int = 0

    @classmethod
    def from_tokens(cls, name: str, value: Any, tokens: tuple[Token, ...] | list[Token]) -> Field:
        boxes = [t.source.bbox for t in tokens]
        box = (
            (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            if boxes
            else None
        )
        confidence = min((t.confidence for t in tokens), default=0.0)
        page = tokens[0].source.page if tokens else 0
        return cls(name, value, confidence, box, page)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": to_json_value(self.value),
            "confidence": round(self.confidence, 3),
            "box": [round(v, 1) for v in self.box] if self.box else None,
            "page": self.page,
        }


def to_json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value.as_tuple().exponent >= -2 else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [{k: to_json_value(v) for k, v in item.items()} for item in value]
    return value


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Extraction:
    doc_type: str
    fields: dict[str, Field] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)
    # Facts that are not fields but checks need: clauses present, seal seen, blanks left.
    facts: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        found = self.fields.get(name)
        return found.value if found else None

    def put(self, name: str, value: Any, tokens: tuple[Token, ...] | list[Token]) -> None:
        if value is not None and value != "":
            self.fields[name] = Field.from_tokens(name, value, tokens)


def verdict_of(checks: list[CheckResult]) -> Verdict:
    if any(c.status == "fail" for c in checks):
        return "fail"
    if any(c.status == "warn" for c in checks):
        return "review"
    return "pass"
