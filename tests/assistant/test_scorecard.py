"""The lead scorecard (assistant/leads/scorecard.yaml): knock-outs, points per factor, tier boundaries.

Tiers: hot ≥ 70 (call back within a business hour), warm ≥ 50 (same day), nurture ≥ 30 (three
business days), below 30 self-service and not queued. Slots are as the lead flow stores them:
amounts as strings in yuan, years as a float.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.leads.scorecard import Scorecard

CODE = "91350100M000100Y43"


@pytest.fixture(scope="module")
def scorecard() -> Scorecard:
    return Scorecard.load()


def lead(**slots: Any) -> dict[str, Any]:
    base = {"tax_credit_grade": "B", "years_trading": 3.0, "annual_revenue": "3000000.00", "amount": "900000.00",
            "collateral": "credit", "labels": [], "credit_code": None, "consent": True}
    return {**base, **slots}


def points(scorecard: Scorecard, slots: dict[str, Any]) -> dict[str, int]:
    return {item["factor"]: item["points"] for item in scorecard.score(slots).breakdown}


def test_every_point_is_listed_in_the_breakdown_staff_see(scorecard: Scorecard) -> None:
    score = scorecard.score(lead(credit_code=CODE, labels=["high_tech"]))
    assert points(scorecard, lead(credit_code=CODE, labels=["high_tech"])) == {
        "tax_credit_grade": 18, "years_trading": 12, "annual_revenue": 10, "amount_to_revenue": 15,
        "collateral": 4, "labels": 6, "credit_code": 3}
    assert score.score == sum(item["points"] for item in score.breakdown) == 68
    assert all(item["label"] for item in score.breakdown)
    assert score.to_json()["factors"] == score.breakdown


# Each pair sits on one side of a tier boundary; the comment adds up the points.
BOUNDARIES = [
    # A 25 + 3 years 12 + revenue ≥3m 10 + amount/revenue 0.3 15 + credit 4 + tech SME 4 = 70
    (lead(tax_credit_grade="A", labels=["tech_sme"]), 70, "hot", "business_hour"),
    # A 25 + 12 + 10 + 15 + credit 4 + credit code given 3 = 69
    (lead(tax_credit_grade="A", credit_code=CODE), 69, "warm", "same_day"),
    # A 25 + under a year 0 + revenue 0.5m 0 + ratio 0.3 15 + guarantee 10 = 50
    (lead(tax_credit_grade="A", years_trading=0.5, annual_revenue="500000.00", amount="150000.00",
          collateral="guarantee"), 50, "warm", "same_day"),
    # A 25 + 0 + 0 + ratio 0.6 8 + guarantee 10 + high-tech 6 = 49
    (lead(tax_credit_grade="A", years_trading=0.5, annual_revenue="500000.00", amount="300000.00",
          collateral="guarantee", labels=["high_tech"]), 49, "nurture", "three_business_days"),
    # B 18 + 0 + 0 + ratio 0.6 8 + credit 4 = 30
    (lead(years_trading=0.5, annual_revenue="500000.00", amount="300000.00"), 30, "nurture", "three_business_days"),
    # A 25 + 0 + 0 + ratio 2 0 + credit 4 = 29
    (lead(tax_credit_grade="A", years_trading=0.5, annual_revenue="500000.00", amount="1000000.00"), 29,
     "self_service", "none"),
]


@pytest.mark.parametrize(("slots", "total", "tier", "sla"), BOUNDARIES,
                         ids=[f"{total}-{tier}" for _, total, tier, _ in BOUNDARIES])
def test_tier_boundaries(scorecard: Scorecard, slots: dict[str, Any], total: int, tier: str, sla: str) -> None:
    score = scorecard.score(slots)
    assert (score.score, score.tier, score.sla) == (total, tier, sla), score.breakdown
    assert score.queued is (tier != "self_service")
    assert score.knocked_out is None


def test_tax_grade_d_is_knocked_out_however_strong_the_rest(scorecard: Scorecard) -> None:
    score = scorecard.score(lead(tax_credit_grade="D", collateral="mortgage", labels=["little_giant"],
                                 annual_revenue="90000000.00"))
    assert (score.score, score.tier, score.queued, score.sla) == (0, "self_service", False, "none")
    assert score.knocked_out == "纳税信用等级为D级"
    assert score.breakdown == []


def test_no_consent_knocks_a_hot_lead_out_of_the_queue(scorecard: Scorecard) -> None:
    assert scorecard.score(lead(tax_credit_grade="A", collateral="mortgage")).tier == "hot"
    score = scorecard.score(lead(tax_credit_grade="A", collateral="mortgage", consent=False))
    assert (score.tier, score.queued, score.knocked_out) == ("self_service", False, "客户未同意被联系")


def test_amount_to_revenue_bands_include_their_upper_edge(scorecard: Scorecard) -> None:
    def ratio_points(amount: str) -> int:
        return points(scorecard, lead(amount=amount))["amount_to_revenue"]

    assert [ratio_points(a) for a in ("900000.00", "900000.01", "1800000.00", "3000000.00", "3000000.01")] == \
        [15, 8, 8, 3, 0]


def test_no_revenue_scores_nothing_for_the_ratio_rather_than_dividing_by_zero(scorecard: Scorecard) -> None:
    assert points(scorecard, lead(annual_revenue="0.00"))["amount_to_revenue"] == 0


def test_labels_add_up_to_a_cap_of_twelve(scorecard: Scorecard) -> None:
    assert points(scorecard, lead(labels=["tech_sme"]))["labels"] == 4
    assert points(scorecard, lead(labels=["specialised_sme", "tech_sme"]))["labels"] == 10
    assert points(scorecard, lead(labels=["little_giant", "specialised_sme", "high_tech"]))["labels"] == 12


def test_an_unknown_tax_grade_scores_a_little_and_grade_c_nothing(scorecard: Scorecard) -> None:
    assert points(scorecard, lead(tax_credit_grade="unknown"))["tax_credit_grade"] == 5
    assert points(scorecard, lead(tax_credit_grade="C"))["tax_credit_grade"] == 0
