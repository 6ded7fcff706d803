"""`sme-assistant ocr …` — reading and checking uploaded invoices, contracts and licences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import ConfigError
from assistant.wiring import ocr_engine_config, ocr_verify_options
from ocr.errors import EngineUnavailable
from ocr.pipeline import VerificationResult
from ui.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, settings_from_cli

app = typer.Typer(no_args_is_help=True)

STATUS_CN = {"pass": "通过", "warn": "需人工", "fail": "不通过"}
VERDICT_CN = {"pass": "通过", "review": "需人工复核", "fail": "不通过"}


@app.command("verify")
def verify(
    files: Annotated[list[Path], typer.Argument(help="Invoice, contract or licence: image or PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, one per line.")] = False,
    applicant: Annotated[str | None, typer.Option(help="The applicant's name, compared with the buyer.")] = None,
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
        options = ocr_verify_options(settings, applicant=applicant, annotate_dir=annotate)
        for item in verify_batch(files, ocr_engine_config(settings), options):
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
