"""Slot validators: turn what a client typed into a typed value, or say why not.

Each validator takes the raw message and a ``ValidationContext`` (today's date, the flow step's
options) and returns a ``Validated`` value or a ``Rejected`` hint. They extract from free text
("我的手机是139…") because clients rarely answer with the bare value. Deterministic code only:
money, dates and credit codes are never left to a model.
"""

from __future__ import annotations

from assistant.validators.base import Rejected, Validated, ValidationContext, Validator
from assistant.validators.registry import VALIDATORS, get_validator

__all__ = ["VALIDATORS", "Rejected", "Validated", "ValidationContext", "Validator", "get_validator"]
