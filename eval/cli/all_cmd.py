"""`sme-assistant eval all` (the report) and `eval fuzz` (long fuzzing runs)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from eval.cli.kb_cmd import app as eval_app
from ui.cli.common import EXIT_FINDINGS, EXIT_OK

ROOT = Path(__file__).resolve().parents[2]


@eval_app.command("all")
def eval_all(
    out: Annotated[Path, typer.Option(help="Where the report is written.")] = ROOT / "eval" / "report",
    full: Annotated[bool, typer.Option("--full", help="KB benchmark up to 100k chunks, more rounds.")] = False,
    load_seconds: Annotated[int, typer.Option(help="Length of each load run.")] = 60,
    full_load: Annotated[bool, typer.Option("--full-load", help="The 10-minute, 50-client load runs.")] = False,
    scaling: Annotated[bool, typer.Option("--scaling", help="1 vs 2 workers on PostgreSQL, back to back.")] = False,
    faults: Annotated[bool, typer.Option("--faults", help="Run the fault programs (root; restarts the local "
                                         "PostgreSQL). Without it their last results are included.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only these steps (repeatable): kb, llm, "
                                                   "routing, dialogues, turns, bench_kb, ocr, ocr_photos, load, "
                                                   "faults, security.")] = None,
) -> int:
    """Run every evaluation and benchmark; write report.md, report.html, report.json and plots to OUT."""
    from eval.report import STEPS, Options, build

    unknown = [name for name in only or [] if name not in {s[0] for s in STEPS}]
    if unknown:
        raise typer.BadParameter(f"unknown step(s) {unknown}", param_hint="--only")
    data = build(Options(out=out, quick=not full, load_seconds=load_seconds, full_load=full_load, scaling=scaling,
                         faults=faults), only or None)
    failed = [key for key, value in data.items() if isinstance(value, dict) and "error" in value]
    print(f"report: {out / 'report.md'}  {out / 'report.html'}")
    if failed:
        print(f"steps that failed: {', '.join(failed)} (see the report)", file=sys.stderr)
    return EXIT_FINDINGS if failed else EXIT_OK


@eval_app.command("fuzz")
def eval_fuzz(
    minutes: Annotated[float, typer.Option(min=0.1, help="How long to fuzz.")] = 10,
) -> int:
    """Fuzz the outside-facing parsers (WeChat XML, uploads, chat JSON) with many more examples than CI.

    Runs tests/fuzz under the hypothesis profile ``long`` again and again until the time is up;
    failing examples are kept in eval/results/fuzz-examples and replayed first next time."""
    deadline = time.monotonic() + minutes * 60
    rounds = 0
    while (remaining := deadline - time.monotonic()) > 5:
        rounds += 1
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                   "--hypothesis-profile=long", "--hypothesis-seed", str(time.time_ns() % 2**32),
                                   "tests/fuzz"], cwd=ROOT, timeout=remaining, check=False)
        except subprocess.TimeoutExpired:
            break  # the time is up in the middle of a round: nothing failed so far
        if done.returncode != 0:
            print(f"fuzzing found a failure in round {rounds} (above)", file=sys.stderr)
            return EXIT_FINDINGS
    print(f"fuzzing: {rounds} round(s), {minutes:g} min, no failure")
    return EXIT_OK
