"""The evaluation report: every evaluation and benchmark in one place, with trends and plots.

``sme-assistant eval all`` (or ``python -m eval.report``) runs, in a fresh data dir:
knowledge base (hit@1/3, MRR, answer-contains-fact, refusal P/R on every QA set), the LLM path
against the loopback scripted model, routing (accuracy, confusion matrix), the scripted dialogue
tests, turn latency, KB ingest/ask benchmarks, OCR, load (SQLite 1 worker; PostgreSQL 2 workers
when a local server answers) with accounting, the results of fault runs found in
eval/results/faults, and the security attacks of ``eval.security.attack``. It writes report.md,
report.html, report.json and plots/*.png to the output dir; the previous report.json there
becomes the baseline of the trend table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "eval" / "report"
RESULTS = ROOT / "eval" / "results"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@dataclass
class Options:
    out: Path = DEFAULT_OUT
    quick: bool = True  # bench_kb without 100k chunks, fewer benchmark rounds
    load_seconds: int = 60
    load_users: int = 50
    full_load: bool = False  # the 10-minute, 50-client run
    scaling: bool = False  # 1 vs 2 workers on PostgreSQL, back to back
    faults: bool = False  # run the fault programs (else: include their last results)
    ocr_count: int = 60
    progress: bool = True
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sme-report-")))


# Steps -------------------------------------------------------------------------------------------


def _settings(opts: Options, **overrides: Any) -> Any:
    from assistant.settings import load_settings

    return load_settings(assistant_data_dir=opts.work / "data", **overrides)


def step_kb(opts: Options) -> dict[str, Any]:
    from eval.kb_run import evaluate

    settings = _settings(opts)
    sets = {name: ROOT / "eval/datasets" / f"{name}.jsonl" for name in ("kb_qa", "kb_qa_heldout", "kb_qa_heldout2")}
    out = {name: evaluate(settings, path, progress=False)["metrics"] for name, path in sets.items()}
    if SEEDS.is_dir():
        from knowledge_base.ingest import ingest
        from knowledge_base.store import KnowledgeBaseStore

        ingest(KnowledgeBaseStore(settings.kb_dir), "seeds", [SEEDS])
        out["seeds_qa"] = evaluate(settings, ROOT / "eval/datasets/seeds_qa.jsonl", "seeds", progress=False)["metrics"]
    else:
        out["seeds_qa"] = {"skipped": f"{SEEDS} not found"}
    return out


def step_llm(opts: Options) -> dict[str, Any]:
    from eval import bench_llm
    from eval.fake_llm_server import FakeLlmServer
    from eval.kb_run import evaluate

    with FakeLlmServer() as server:
        settings = _settings(opts, llm_backend="openai", llm_base_url=server.base_url, llm_model="scripted")
        scripted = evaluate(settings, ROOT / "eval/datasets/kb_qa.jsonl", progress=False)["metrics"]
    return {"scripted_kb_qa": scripted, "bench": bench_llm.run(10 if opts.quick else 20, data_dir=opts.work / "data")}


def step_routing(opts: Options) -> dict[str, Any]:
    from assistant.answering.service import build_answerer
    from assistant.dialogue.router import ROUTES, Router
    from eval import routing_eval
    from eval.kb_run import ensure_demo

    settings = _settings(opts)
    ensure_demo(settings, settings.default_kb)
    router = Router(build_answerer(settings))
    results = routing_eval.run(lambda text: router.route(text).route, routing_eval.load_dataset())
    return {**routing_eval.metrics(results, ROUTES), "routes": list(ROUTES)}


def step_dialogues(opts: Options) -> dict[str, Any]:
    """The scripted conversations (complaints, leads, general) as the test suite runs them."""
    junit = opts.work / "dialogues.xml"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/assistant/test_dialogues.py",
                    f"--junitxml={junit}"], cwd=ROOT, capture_output=True, timeout=900, check=False)
    suite = ElementTree.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    return {**counts, "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
            "seconds": round(time.monotonic() - started, 1)}


def step_turns(opts: Options) -> dict[str, Any]:
    from eval import bench_turns

    return bench_turns.run(_settings(opts), rounds=5 if opts.quick else 10)


def step_bench_kb(opts: Options) -> dict[str, Any]:
    from eval import bench_kb

    return bench_kb.run([1000, 10000] if opts.quick else [1000, 10000, 100000])


def step_ocr(opts: Options) -> dict[str, Any]:
    from assistant.wiring import ocr_engine_config as engine_config
    from eval.ocr.run import run_evaluation

    report = run_evaluation(count=opts.ocr_count, seed=7, out_dir=opts.out / "ocr", config=engine_config(
        _settings(opts)), workers=2)
    return {"summary": report["summary"], "per_field_accuracy": report["per_field_accuracy"]}


def _postgres_up() -> bool:
    return shutil.which("pg_isready") is not None and subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-t", "3"], capture_output=True, check=False).returncode == 0


def step_load(opts: Options) -> dict[str, Any]:
    from eval.load.run import run_load, run_scaling

    out: dict[str, Any] = {"runs": {}}
    duration = 600 if opts.full_load else opts.load_seconds
    out["runs"]["sqlite-1w"] = run_load(db="sqlite", workers=1, users=opts.load_users, duration_s=duration,
                                        label=f"report-sqlite-1w-{opts.load_users}u-{duration}s")
    if _postgres_up():
        out["runs"]["postgres-2w"] = run_load(db="postgres", workers=2, users=opts.load_users, duration_s=duration,
                                              label=f"report-postgres-2w-{opts.load_users}u-{duration}s")
    # Throughput against concurrent clients: clients that do not pause, one worker on SQLite.
    out["sweep"] = [
        {"users": users, "rps": run_load(db="sqlite", workers=1, users=users, duration_s=20, think="0,0",
                                         spawn_rate=users, label=f"report-sweep-{users}u")["turn_throughput_rps"]}
        for users in (1, 5, 10, 25)]
    if opts.scaling and _postgres_up():
        out["scaling"] = run_scaling(users=30, duration_s=60)
    elif (RESULTS / "load" / "scaling.json").is_file():
        out["scaling"] = {**json.loads((RESULTS / "load" / "scaling.json").read_text()), "from_earlier_run": True}
    full = sorted((RESULTS / "load").glob("full-*.json"))
    if full and not opts.full_load:
        out["full_run"] = {**json.loads(full[-1].read_text()), "from_earlier_run": True}
    return out


def step_faults(opts: Options) -> dict[str, Any]:
    from eval.faults.run import run_faults

    if opts.faults:
        return run_faults()
    found = {p.stem: json.loads(p.read_text()) for p in sorted((RESULTS / "faults").glob("*.json"))}
    return found or {"skipped": "no fault results; run `python -m eval.faults.run` or `eval all --faults`"}


def step_ocr_photos(opts: Options) -> dict[str, Any]:
    """Phone photos vs flat scans and the 数电票 files (``python -m eval.ocr.bench``), a few minutes.

    Run in its own process, as the benchmark does for each engine: onnxruntime's threads and a fork
    do not mix. More engines: ``python -m eval.ocr.bench --engines rapidocr,ppocrv5``.
    """
    import subprocess
    import sys

    out = opts.out / "ocr-bench"
    flat = "30" if opts.quick else "60"  # the flat set too, so photo and flat stand side by side per field
    subprocess.run([sys.executable, "-m", "eval.ocr.bench", "--out", str(out), "--engines", "rapidocr",
                    "--flat", flat, "--timed", "12"], check=True, capture_output=True, text=True)
    return json.loads((out / "bench.json").read_text(encoding="utf-8"))


def step_security(opts: Options) -> dict[str, Any]:
    """The penetration test's attacks (issue 13) against a real server; about a minute."""
    from eval.security.attack import RESULTS as SECURITY
    from eval.security.attack import run_attacks

    report = run_attacks()
    SECURITY.mkdir(parents=True, exist_ok=True)
    (SECURITY / "attack.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


STEPS: list[tuple[str, str, Callable[[Options], dict[str, Any]]]] = [
    ("kb", "knowledge base", step_kb), ("llm", "LLM (scripted)", step_llm), ("routing", "routing", step_routing),
    ("dialogues", "dialogue tests", step_dialogues), ("turns", "turn latency", step_turns),
    ("bench_kb", "KB benchmark", step_bench_kb), ("ocr", "OCR", step_ocr),
    ("ocr_photos", "OCR photos and e-invoices", step_ocr_photos), ("load", "load", step_load),
    ("faults", "faults", step_faults), ("security", "security attacks", step_security),
]


def build(opts: Options, only: list[str] | None = None) -> dict[str, Any]:
    """Run the steps (all, or ``only``), then write the report; a failing step is shown, not fatal."""
    from eval.report_render import render

    opts.out.mkdir(parents=True, exist_ok=True)
    previous_path = opts.out / "report.json"
    previous = json.loads(previous_path.read_text()) if previous_path.is_file() else None
    data: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "options": {
        "quick": opts.quick, "load_seconds": 600 if opts.full_load else opts.load_seconds,
        "load_users": opts.load_users, "ocr_count": opts.ocr_count}, "timings_s": {}}
    steps = [s for s in STEPS if only is None or s[0] in only]
    bar = tqdm(steps, desc="eval all", unit="step", file=sys.stderr, disable=not opts.progress)
    try:
        for key, title, step in bar:
            bar.set_postfix_str(title)
            started = time.monotonic()
            try:
                data[key] = step(opts)
            except Exception as exc:  # the report shows what failed and goes on
                data[key] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
            data["timings_s"][key] = round(time.monotonic() - started, 1)
    finally:
        shutil.rmtree(opts.work, ignore_errors=True)
    if previous is not None:
        (opts.out / "previous.json").write_text(json.dumps(previous, ensure_ascii=False, indent=1), encoding="utf-8")
    previous_path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    render(data, previous, opts.out)
    return data


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--full", action="store_true", help="100k-chunk KB benchmark and more rounds")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--full-load", action="store_true", help="the 10-minute, 50-client load runs")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--only", nargs="+", choices=[s[0] for s in STEPS])
    args = parser.parse_args(argv)
    build(Options(out=args.out, quick=not args.full, load_seconds=args.load_seconds, full_load=args.full_load,
                  scaling=args.scaling, faults=args.faults), args.only)
    print(f"report: {args.out / 'report.md'}  {args.out / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
