"""Checks of the dialogue runner (eval/dialogues_run.py): a turn's expectations, a dialogue's end
state, and the tickets a dialogue quotes. See the runner's docstring for what each key means."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

TICKET = re.compile(r"TS-\d{8}-\d{4}", re.I)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# matching ---------------------------------------------------------------------------------------
def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _by_validator(flows: dict[str, Any], flow: str | None, slot: str, wanted: Any, actual: Any,
                  today: date) -> bool:
    from assistant.validators import Rejected, ValidationContext, get_validator

    for name in ([flow] if flow else []) + [f for f in flows if f != flow]:
        spec = flows[name]
        step = next((s for s in spec.steps if s.slot == slot), None)
        if step is None:
            continue
        result = get_validator(step.validator)(str(wanted), ValidationContext(today=today,
                                                                             options=step.validator_options()))
        if not isinstance(result, Rejected) and _same(result.value, actual):
            return True
    return False


def _same(a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a).strip().lower() == str(b).strip().lower()


def matches(wanted: Any, actual: Any, display: Any = None, *, flows: dict[str, Any] | None = None,
            flow: str | None = None, slot: str = "", today: date | None = None) -> bool:
    if actual is None or actual == "":
        return False
    if isinstance(actual, (date, datetime)):
        actual = actual.isoformat()
    if _same(wanted, actual):
        return True
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        return False  # a number must be the number
    w = str(wanted).strip().lower()
    for got in (actual, display):
        if got is None or isinstance(got, (dict, list)):
            continue
        g = str(got).strip().lower()
        if g and (w in g or (len(g) >= 2 and g in w)):
            return True
    if isinstance(actual, list):
        return any(matches(wanted, item, flows=flows, flow=flow, slot=slot, today=today) for item in actual)
    return bool(flows) and _by_validator(flows or {}, flow, slot, wanted, actual, today or date.today())


# one dialogue -----------------------------------------------------------------------------------
def latest_flow(db: Session, user: str) -> Any:
    from assistant.store.models import FlowState

    return db.scalar(select(FlowState).where(FlowState.user_id == user).order_by(FlowState.updated_at.desc(),
                                                                                  FlowState.id.desc()).limit(1))


def active_flow(db: Session, user: str) -> Any:
    from assistant.store.models import FlowState

    return db.scalar(select(FlowState).where(FlowState.user_id == user, FlowState.status == "active")
                     .order_by(FlowState.id.desc()).limit(1))


def _state(flow: Any) -> dict[str, Any]:
    state = flow.state if flow is not None else {}
    return state if isinstance(state, dict) else {}


def check_turn(reply: Any, expect: dict[str, Any], db: Session, user: str, flows: dict[str, Any],
               today: date) -> list[str]:
    problems: list[str] = []
    active = active_flow(db, user)
    latest = latest_flow(db, user)
    active_name = active.flow if active is not None else "none"
    state = _state(latest)
    slots, display = state.get("slots") or {}, state.get("display") or {}
    asked = _state(active).get("step") if active is not None else None
    for key, wanted in expect.items():
        if key == "route" and reply.route != wanted:
            problems.append(f"route {reply.route!r}, wanted {wanted!r}")
        elif key == "flow" and active_name != wanted:
            problems.append(f"flow {active_name!r}, wanted {wanted!r}")
        elif key == "fills":
            for slot, value in wanted.items():
                if not matches(value, slots.get(slot), display.get(slot), flows=flows,
                               flow=latest.flow if latest else None, slot=slot, today=today):
                    problems.append(f"{slot}={slots.get(slot)!r}, wanted {value!r}")
        elif key == "not_asks" and asked in wanted:
            problems.append(f"asks {asked!r} again")
        elif key == "answered" and bool(reply.citations) != bool(wanted):
            problems.append(f"answered={bool(reply.citations)}, wanted {wanted}")
        elif key == "contains":
            for part in wanted if isinstance(wanted, list) else [wanted]:
                if str(part) not in reply.text:
                    problems.append(f"reply lacks {part!r}")
        elif key == "handover":
            said = bool(reply.handover or reply.data.get("offer_handover"))
            if said != bool(wanted):
                problems.append(f"handover={said}, wanted {wanted}")
    return problems


def check_end(end: dict[str, Any], db: Session, user: str, flows: dict[str, Any], today: date,
              lead_turns: int | None) -> list[str]:
    from assistant.store.models import ComplaintTicket, FlowState, Lead

    problems: list[str] = []
    completed = {f.flow: f for f in db.scalars(select(FlowState).where(
        FlowState.user_id == user, FlowState.status == "completed").order_by(FlowState.id))}
    for what, model, flow in (("lead", Lead, "lead"), ("ticket", ComplaintTicket, "complaint")):
        if what not in end:
            continue
        row = db.scalars(select(model).where(model.user_id == user).order_by(model.id.desc())).first()
        if row is None:
            problems.append(f"no {what} stored")
            continue
        slots = (row.slots if what == "lead" else None) or _state(completed.get(flow)).get("slots") or {}
        for key, value in end[what].items():
            actual = getattr(row, key, None) if hasattr(row, key) else slots.get(key)
            if not matches(value, actual, slots.get(key), flows=flows, flow=flow, slot=key, today=today):
                problems.append(f"{what}.{key}={actual!r}, wanted {value!r}")
    if "lead_turns_max" in end:
        if lead_turns is None:
            problems.append("the lead was not submitted")
        elif lead_turns > end["lead_turns_max"]:
            problems.append(f"lead took {lead_turns} client turns, wanted ≤ {end['lead_turns_max']}")
    return problems


def seed_tickets(db: Session, dialogue: dict[str, Any], timezone: Any) -> None:
    """Tickets the client quotes exist already, lodged by phone to the first mobile the dialogue gives."""
    from assistant.store.models import ComplaintTicket

    said = " ".join(str(t.get("user", "")) for t in dialogue["turns"])
    mobiles = MOBILE.findall(re.sub(r"[\s-]", "", said))
    for number in dict.fromkeys(n.upper() for n in TICKET.findall(said)):
        if db.scalar(select(ComplaintTicket.id).where(ComplaintTicket.number == number)) is not None:
            continue
        received = datetime.strptime(number[3:11], "%Y%m%d").replace(hour=10, tzinfo=timezone).astimezone(UTC)
        db.add(ComplaintTicket(
            number=number, channel="phone", user_id=f"phone-{number}", company="杭州某某贸易有限公司",
            contact_name="陈女士", mobile=mobiles[0] if mobiles else "13900000000", business_type="account",
            business_channel="branch", category="fees", description="电话受理的投诉", amount=None, request="解释说明",
            status="registered", urgent=False, urgent_reasons=[], received_at=received,
            due_at=received + timedelta(days=15), history=[{"at": received.isoformat(), "event": "registered",
                                                              "by": "phone"}]))
