"""`sme-assistant eval ocr`: the synthetic document set, verified and scored."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import ConfigError
from assistant.wiring import ocr_engine_config
from eval.cli.kb_cmd import app as eval_app
from ocr.errors import EngineUnavailable
from ui.cli.common import EXIT_FINDINGS, EXIT_OK, settings_from_cli


@eval_app.command("ocr")
def eval_ocr(
    count: Annotated[int, typer.Option(help="Synthetic documents to generate (invoices, contracts, licences).")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same documents.")] = 7,
    out: Annotated[Path, typer.Option(help="Where results and annotated examples are written.")] = Path(
        "eval/results/ocr"
    ),
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
) -> int:
    """Generate a noisy synthetic set, verify it, and report field accuracy, defect recall,
    false alarms and time per page against the raw engine."""
    from eval.ocr.run import run_evaluation

    settings = settings_from_cli()
    try:
        config = ocr_engine_config(settings)
        report = run_evaluation(count=count, seed=seed, out_dir=out, config=config, workers=workers)
    except EngineUnavailable as exc:
        raise ConfigError(str(exc)) from exc
    print(json.dumps(report["summary"], ensure_ascii=False, indent=2))
    print(f"results: {out}", file=sys.stderr)
    return EXIT_OK if report["summary"]["targets_met"] else EXIT_FINDINGS
