"""Scoring a lead with the YAML scorecard: knock-outs, points per factor, tiers — all by code."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

SCORECARD = Path(__file__).with_name("scorecard.yaml")


@dataclass(frozen=True)
class LeadScore:
    score: int
    tier: str
    queued: bool
    sla: str
    knocked_out: str | None = None
    breakdown: list[dict[str, Any]] = field(default_factory=list)  # [{factor, label, value, points}]

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "tier": self.tier, "knocked_out": self.knocked_out, "factors": self.breakdown}


class Scorecard:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    @classmethod
    def load(cls, path: Path = SCORECARD) -> Scorecard:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def score(self, slots: dict[str, Any]) -> LeadScore:
        for rule in self.spec["knockouts"]:
            if slots.get(rule["slot"]) == rule["equals"]:
                return LeadScore(0, "self_service", False, "none", knocked_out=rule["reason"])
        values = dict(slots)
        revenue = Decimal(str(slots.get("annual_revenue") or 0))
        amount = Decimal(str(slots.get("amount") or 0))
        values["amount_to_revenue"] = float(amount / revenue) if revenue > 0 else 1000.0
        breakdown = []
        for name, factor in self.spec["factors"].items():
            points = self._points(factor, values.get(name))
            breakdown.append({"factor": name, "label": factor["label"], "value": _plain(values.get(name)),
                              "points": points})
        total = sum(item["points"] for item in breakdown)
        tier = next(t for t in self.spec["tiers"] if total >= t["min"])
        return LeadScore(total, tier["name"], tier["queued"], tier["sla"], None, breakdown)

    @staticmethod
    def _points(factor: dict[str, Any], value: Any) -> int:
        if "map" in factor:
            return int(factor["map"].get(value, 0))
        if "each" in factor:
            return min(sum(int(factor["each"].get(v, 0)) for v in value or []), int(factor.get("cap", 10**6)))
        if "present" in factor:
            return int(factor["present"]) if value else 0
        number = float(value or 0)
        for band in factor["bands"]:
            if ("min" in band and number >= band["min"]) or ("max" in band and number <= band["max"]):
                return int(band["points"])
        return 0


def _plain(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value
