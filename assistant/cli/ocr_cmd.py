"""`sme-assistant ocr …` — reading and checking uploaded invoices, contracts and licences."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, settings_from_cli
from assistant.cli.eval_cmd import app as eval_app
from assistant.errors import ConfigError
from assistant.settings import Settings
from ocr.engine import EngineConfig
from ocr.errors import EngineUnavailable
from ocr.inputs import InputLimits
from ocr.pipeline import VerificationResult, VerifyOptions

app = typer.Typer(no_args_is_help=True)

STATUS_CN = {"pass": "通过", "warn": "需人工", "fail": "不通过"}
VERDICT_CN = {"pass": "通过", "review": "需人工复核", "fail": "不通过",
              "retake": "非发票、合同或营业执照，请重新拍摄或上传"}


def engine_config(settings: Settings) -> EngineConfig:
    return EngineConfig(
        name=settings.ocr_engine,
        paddle_det_dir=settings.ocr_paddle_det_dir,
        paddle_rec_dir=settings.ocr_paddle_rec_dir,
        paddle_cls_dir=settings.ocr_paddle_cls_dir,
    )


def verify_options(settings: Settings, applicant: str | None, annotate: Path | None) -> VerifyOptions:
    return VerifyOptions(
        limits=InputLimits(
            max_bytes=settings.ocr_max_upload_mb * 1024 * 1024,
            max_pixels=settings.ocr_max_pixels,
            max_pages=settings.ocr_max_pages,
        ),
        max_age_days=settings.ocr_invoice_max_age_days,
        applicant=applicant,
        now=datetime.now(UTC),  # the CLI's clock; ocr/ itself never reads one
        timezone=settings.timezone,
        seen_dir=settings.assistant_data_dir / "ocr",
        annotate_dir=annotate,
    )


@app.command("verify")
def verify(
    files: Annotated[list[Path], typer.Argument(help="Invoice, contract or licence: image or PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, one per line.")] = False,
    applicant: Annotated[str | None, typer.Option(help="The applicant: buyer, seller or a party.")] = None,
    annotate: Annotated[Path | None, typer.Option(help="Write annotated page images to this directory.")] = None,
) -> int:
    """Read each file, extract its fields and run the preliminary checks.

    Exit 0 when every file passes, 1 when any needs review, fails or cannot be read, 2 on usage errors.
    """
    from ocr.batch import verify_batch

    settings = settings_from_cli()
    worst = EXIT_OK
    rejected = 0
    try:
        for item in verify_batch(files, engine_config(settings), verify_options(settings, applicant, annotate)):
            if item.result is None:
                rejected += 1
                worst = EXIT_FINDINGS
                fail(f"{item.path}：{item.error}")
                if as_json:
                    print(json.dumps({"file": str(item.path), "error": item.error}, ensure_ascii=False), flush=True)
                continue
            if item.result.verdict != "pass":
                worst = EXIT_FINDINGS
            print(_json_line(item.result) if as_json else _human(item.result), flush=True)
    except EngineUnavailable as exc:
        raise ConfigError(str(exc)) from exc
    return EXIT_USAGE if rejected == len(files) else worst


def _json_line(result: VerificationResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False)


def _human(result: VerificationResult) -> str:
    data = result.to_json()
    lines = [f"{data['file']}  [{data['doc_type']}]  结论：{VERDICT_CN[data['verdict']]}  ({data['ocr_ms']} ms)"]
    for name, field in data["fields"].items():
        if name != "line_items":
            lines.append(f"  {name}: {field['value']}  (置信度 {field['confidence']:.2f})")
    for check in data["checks"]:
        lines.append(f"  [{STATUS_CN[check['status']]}] {check['name']}: {check['detail']}")
    lines.append(f"  注：{data['note']}")
    return "\n".join(lines)


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
        report = run_evaluation(count=count, seed=seed, out_dir=out, config=engine_config(settings), workers=workers)
    except EngineUnavailable as exc:
        raise ConfigError(str(exc)) from exc
    print(json.dumps(report["summary"], ensure_ascii=False, indent=2))
    print(f"results: {out}", file=sys.stderr)
    return EXIT_OK if report["summary"]["targets_met"] else EXIT_FINDINGS
