"""How a filled value is read back to the client in their language.

Validators word their read-back in Chinese (300万元, 12个月, 是); an English client gets the same
value in English (3 million yuan, 12 months, yes), computed from the value, never re-parsed text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.flows.spec import StepSpec


def shown(step: StepSpec, value: Any, display: str | None, lang: str) -> str:
    if display is None or display == "":
        return "—"
    if lang != "en" or value is None:
        return display
    if step.validator == "amount":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return display
        approx = "about " if display.startswith("约") else ""
        if amount >= 10**6:
            return f"{approx}{(amount / 10**6).normalize():f} million yuan"
        return f"{approx}{amount.normalize():f} yuan"
    if step.validator == "years":
        return "under 1 year" if value < 1 else f"{Decimal(str(value)).normalize():f} years"
    if step.validator == "term_months":
        return f"{value} months"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if step.choices:
        return next((c.en for c in step.choices if c.value == value), display)
    if step.validator == "tax_credit_grade":
        return "not sure" if value == "unknown" else str(value)
    return display
