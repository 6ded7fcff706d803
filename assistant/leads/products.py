"""Suggesting 1–3 fitting products with citations from the knowledge base.

Fit is decided by rules (products.yaml), not by retrieval scores: eligibility is the bank's to
state. The knowledge base supplies the cited wording the client reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import yaml

PRODUCTS = Path(__file__).with_name("products.yaml")


class Answerer(Protocol):
    def answer(self, question: str, history: list[str] | None = None) -> Any: ...


@dataclass(frozen=True)
class ProductSuggestion:
    name: str
    citation: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "citation": self.citation}


class ProductMatcher:
    def __init__(self, rules: list[dict[str, Any]], answerer: Answerer | None) -> None:
        self.rules = rules
        self.answerer = answerer

    @classmethod
    def load(cls, answerer: Answerer | None, path: Path = PRODUCTS) -> ProductMatcher:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8"))["products"], answerer)

    def fitting(self, slots: dict[str, Any]) -> list[str]:
        return [rule["name"] for rule in self.rules if _fits(rule.get("when", {}), slots)][:3]

    def suggest(self, slots: dict[str, Any]) -> list[ProductSuggestion]:
        return [ProductSuggestion(name, self._citation(name)) for name in self.fitting(slots)]

    def _citation(self, product: str) -> dict[str, Any] | None:
        if self.answerer is None:
            return None
        answer = self.answerer.answer(f"{product}的申请条件是什么")
        own = [c for c in answer.citations if product in c.get("source", "") or product in c.get("title", "")]
        chosen = (own or answer.citations or [None])[0]
        return None if chosen is None else {k: chosen.get(k) for k in ("source", "title", "section", "text")}


def _fits(when: dict[str, Any], slots: dict[str, Any]) -> bool:
    years = float(slots.get("years_trading") or 0)
    amount = Decimal(str(slots.get("amount") or 0))
    revenue = Decimal(str(slots.get("annual_revenue") or 0))
    purpose = str(slots.get("purpose") or "")
    checks = [
        not when.get("labels_any") or bool(set(when["labels_any"]) & set(slots.get("labels") or [])),
        not when.get("collateral") or slots.get("collateral") in when["collateral"],
        not when.get("grades") or slots.get("tax_credit_grade") in when["grades"],
        years >= float(when.get("min_years", 0)),
        "max_amount" not in when or amount <= Decimal(str(when["max_amount"])),
        "min_revenue" not in when or revenue >= Decimal(str(when["min_revenue"])),
        not when.get("purpose_any") or any(w in purpose for w in when["purpose_any"]),
    ]
    return all(checks)
