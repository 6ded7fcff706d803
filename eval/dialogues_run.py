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
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text

from eval.dialogue_checks import active_flow, check_end, check_turn, seed_tickets

DATASET = Path(__file__).parent / "datasets" / "dialogues_heldout.yaml"
RESULTS = Path(__file__).parent / "results" / "dialogues_heldout.json"
DEFAULT_START = "2026-11-23T10:00:00+08:00"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


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
            active = active_flow(db, user)
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
