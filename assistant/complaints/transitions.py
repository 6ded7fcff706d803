"""Which status a complaint ticket may move to next, and who moves it there.

A ticket is decided before it is closed: 已登记 → 处理中 → 已处理 (the decision told to the client)
→ 已办结; a client who disputes the decision reopens it (已处理 → 处理中). Nothing skips the
decision (已登记 → 已办结 was possible before), and a withdrawn ticket stays withdrawn. Withdrawal
is the client's own act (the withdraw flow), so staff never set it.
"""

from __future__ import annotations

ALLOWED: dict[str, tuple[str, ...]] = {
    "registered": ("in_progress",),
    "in_progress": ("resolved",),
    "resolved": ("closed", "in_progress"),
    "closed": (),
    "withdrawn": (),
}


def next_statuses(status: str) -> tuple[str, ...]:
    return ALLOWED.get(status, ())


def may_move(before: str, after: str) -> bool:
    return after in next_statuses(before)
