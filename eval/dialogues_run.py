"""The behavioural dialogue set (eval/datasets/dialogues_heldout.yaml) against the real dialogue manager.

    python -m eval.dialogues_run [--db sqlite|postgres|both] [--set PATH] [--out PATH] [-v]

Each dialogue runs in its own client on a fresh manager, on a fake clock in the bank's time zone
(default start 2026-11-23T10:00+08:00, a Monday), with the demo knowledge base. A turn's ``expect``
is checked against the reply and the flow state the turn left in the database:

- ``route``: the reply's route; ``flow``: the flow active after the turn (``none`` when none);
- ``fills``: slots of the flow the turn worked on; ``not_asks``: slots the next question must not be;
- ``answered``: the reply is a grounded answer (citations); ``contains``: text in the reply;
- ``handover``: the reply hands over (or offers to).

A value matches a stored slot when it is equal, numerically equal, contained in (or containing)
the stored value or its display text, or when the slot's own validator reads it as the stored
value (``厂房`` and ``mortgage`` for a collateral choice). ``end`` checks the stored lead and ticket
the same way (columns first, then the slots the flow completed with) and ``lead_turns_max``: the
client turns from the lead flow's start to its submission. Ticket numbers a client quotes that the
dialogue did not create are seeded first, lodged by phone to the first mobile the dialogue gives.

Prints and writes (eval/results/dialogues_heldout.json) the share of checks passing per database
(a turn with ``expect`` is one check, a dialogue's ``end`` another) and the lead flow's median
client turns.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

DATASET = Path(__file__).parent / "datasets" / "dialogues_heldout.yaml"
RESULTS = Path(__file__).parent / "results" / "dialogues_heldout.json"
DEFAULT_START = "2026-11-23T10:00:00+08:00"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICKET = re.compile(r"TS-\d{8}-\d{4}", re.I)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


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
def _latest_flow(db: Session, user: str) -> Any:
    from assistant.store.models import FlowState

    return db.scalar(select(FlowState).where(FlowState.user_id == user).order_by(FlowState.updated_at.desc(),
                                                                                  FlowState.id.desc()).limit(1))


def _active_flow(db: Session, user: str) -> Any:
    from assistant.store.models import FlowState

    return db.scalar(select(FlowState).where(FlowState.user_id == user, FlowState.status == "active")
                     .order_by(FlowState.id.desc()).limit(1))


def _state(flow: Any) -> dict[str, Any]:
    state = flow.state if flow is not None else {}
    return state if isinstance(state, dict) else {}


def check_turn(reply: Any, expect: dict[str, Any], db: Session, user: str, flows: dict[str, Any],
               today: date) -> list[str]:
    problems: list[str] = []
    active = _active_flow(db, user)
    latest = _latest_flow(db, user)
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


def run_dialogue(dialogue: dict[str, Any], build: Any, url: str, flows: dict[str, Any]) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from assistant.dialogue import IncomingMessage
    from assistant.store.db import make_engine, session_factory

    clock = Clock(datetime.fromisoformat(str(dialogue.get("start", DEFAULT_START))))
    timezone = ZoneInfo("Asia/Shanghai")
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as db:
        seed_tickets(db, dialogue, timezone)
    manager = build(clock)
    user = f"eval-{uuid.uuid4().hex[:10]}"
    turns: list[dict[str, Any]] = []
    lead_start: int | None = None
    lead_turns: int | None = None
    broken = ""
    for number, turn in enumerate(dialogue["turns"], 1):
        clock.now += timedelta(seconds=30)
        expect = turn.get("expect") or {}
        if broken:
            turns.append({"n": number, "checked": bool(expect), "problems": [broken]})
            continue
        try:
            reply = manager.reply(IncomingMessage("eval", user, "s1", str(turn.get("user", ""))))
        except Exception as exc:  # a crash fails this turn and every later one
            broken = f"crashed: {type(exc).__name__}: {exc}"[:300]
            turns.append({"n": number, "checked": bool(expect), "problems": [broken]})
            continue
        with sessions() as db:
            today = clock.now.astimezone(timezone).date()
            problems = check_turn(reply, expect, db, user, flows, today) if expect else []
            active = _active_flow(db, user)
        if reply.data.get("lead") and lead_start is not None:
            lead_turns = number - lead_start + 1  # the submitting turn counts
            lead_start = None
        elif active is not None and active.flow == "lead":
            lead_start = number if lead_start is None else lead_start
        else:
            lead_start = None  # cancelled or switched: a later lead flow counts from its own start
        turns.append({"n": number, "user": turn.get("user"), "checked": bool(expect), "problems": problems,
                      "reply": reply.text[:400], "route": reply.route})
    end_problems: list[str] | None = None
    if dialogue.get("end"):
        with sessions() as db:
            end_problems = [broken] if broken else check_end(dialogue["end"], db, user, flows,
                                                             clock.now.astimezone(timezone).date(), lead_turns)
    engine.dispose()
    return {"name": dialogue["name"], "turns": turns, "end": end_problems, "lead_turns": lead_turns}


# databases --------------------------------------------------------------------------------------
def _pg_schema(base: str) -> tuple[str, Any]:
    schema = f"sme_eval_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


def run_on(db_name: str, dialogues: list[dict[str, Any]], data_dir: Path, answerer: Any) -> dict[str, Any]:
    from assistant.flows import load_flows
    from assistant.settings import load_settings
    from assistant.store.db import make_engine, upgrade_schema
    from assistant.wiring import build_dialogue_manager

    drop = None
    if db_name == "sqlite":
        url = f"sqlite:///{data_dir / f'dialogues-{uuid.uuid4().hex[:6]}.db'}"
    else:
        url, drop = _pg_schema(os.environ.get("SME_TEST_DATABASE_URL", DEFAULT_PG))
    upgrade_schema(url)
    settings = load_settings(assistant_data_dir=data_dir, database_url=url)
    flows = load_flows()
    engines: list[Any] = []

    def build(clock: Clock) -> Any:
        engine = make_engine(url)
        engines.append(engine)
        return build_dialogue_manager(settings, answerer=answerer, engine=engine, clock=clock)

    try:
        results = [run_dialogue(d, build, url, flows) for d in dialogues]
    finally:
        for engine in engines:
            engine.dispose()
        if drop:
            drop()
    return summarise(results)


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    turns = [t for r in results for t in r["turns"] if t["checked"]]
    ends = [r["end"] for r in results if r["end"] is not None]
    passed_turns = sum(not t["problems"] for t in turns)
    passed_ends = sum(not e for e in ends)
    lead_turns = [r["lead_turns"] for r in results if r["lead_turns"] is not None]
    failures = [{"dialogue": r["name"], "turn": t["n"], "user": t.get("user"), "problems": t["problems"],
                 "reply": t.get("reply", "")} for r in results for t in r["turns"] if t["problems"]]
    failures += [{"dialogue": r["name"], "turn": "end", "problems": r["end"]} for r in results if r["end"]]
    checks = len(turns) + len(ends)
    return {
        "dialogues": len(results), "turn_checks": len(turns), "turns_passed": passed_turns,
        "end_checks": len(ends), "ends_passed": passed_ends,
        "turn_share": passed_turns / len(turns) if turns else 0.0,
        "share": (passed_turns + passed_ends) / checks if checks else 0.0,
        "dialogues_all_passed": sum(not any(t["problems"] for t in r["turns"]) and not r["end"] for r in results),
        "lead_submitted": len(lead_turns),
        "lead_median_turns": statistics.median(lead_turns) if lead_turns else None,
        "failures": failures,
        "transcripts": [{"dialogue": r["name"], "turns": [(t.get("user"), t.get("route"), t.get("reply"))
                                                          for t in r["turns"]]} for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--set", type=Path, default=DATASET)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failed check")
    parser.add_argument("--only", default="", help="run only dialogues whose name contains this")
    parser.add_argument("--trace", action="store_true", help="print every turn's reply")
    args = parser.parse_args(argv)

    from assistant.settings import load_settings
    from assistant.wiring import build_answerer
    from knowledge_base.ingest import ingest
    from knowledge_base.store import KnowledgeBaseStore

    dialogues = [d for d in yaml.safe_load(args.set.read_text(encoding="utf-8")) if args.only in d["name"]]
    demo = Path(__file__).resolve().parents[1] / "knowledge_base" / "demo"
    report: dict[str, Any] = {"set": str(args.set), "at": datetime.now(UTC).isoformat(), "databases": {}}
    with tempfile.TemporaryDirectory(prefix="sme-dialogues-") as tmp:
        data_dir = Path(tmp)
        settings = load_settings(assistant_data_dir=data_dir)
        ingest(KnowledgeBaseStore(settings.kb_dir), "demo", [demo / "handbook"], glossary_path=demo / "synonyms.yaml")
        answerer = build_answerer(settings)
        for db_name in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
            summary = run_on(db_name, dialogues, data_dir, answerer)
            report["databases"][db_name] = summary
            median = summary["lead_median_turns"]
            print(f"{db_name:9} checks passed {summary['share']:.3f} "
                  f"(turns {summary['turns_passed']}/{summary['turn_checks']}, "
                  f"ends {summary['ends_passed']}/{summary['end_checks']}), "
                  f"dialogues fully passed {summary['dialogues_all_passed']}/{summary['dialogues']}, "
                  f"lead median client turns {median if median is not None else '-'} "
                  f"over {summary['lead_submitted']} submitted leads")
            if args.trace:
                for transcript in summary["transcripts"]:
                    print(f"== {transcript['dialogue']}")
                    for user, route, reply in transcript["turns"]:
                        print(f"  > {user}\n  [{route}] {reply}")
            if args.verbose:
                for failure in summary["failures"]:
                    print(f"  [{failure['dialogue']}] turn {failure['turn']}: {'; '.join(failure['problems'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
