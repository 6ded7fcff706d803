"""Validators by the name flow files use."""

from __future__ import annotations

from assistant.validators import choices, dates, identity, quantities
from assistant.validators.base import Validator

VALIDATORS: dict[str, Validator] = {
    "mobile": identity.mobile,
    "credit_code": identity.credit_code,
    "company": identity.company,
    "person_name": identity.person_name,
    "ticket_number": identity.ticket_number,
    "amount": quantities.amount,
    "years": quantities.years,
    "term_months": quantities.term_months,
    "past_date": dates.past_date,
    "yes_no": choices.yes_no,
    "choice": choices.choice,
    "tax_credit_grade": choices.tax_credit_grade,
    "labels": choices.labels,
    "free_text": choices.free_text,
}


def get_validator(name: str) -> Validator:
    try:
        return VALIDATORS[name]
    except KeyError:
        raise ValueError(f"unknown validator {name!r}; known: {', '.join(sorted(VALIDATORS))}") from None
