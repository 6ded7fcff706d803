"""`sme-assistant eval …` — evaluations on the labelled datasets in eval/datasets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.wiring import build_answerer
from eval import kb_eval
from eval.kb_run import ensure_demo, evaluate
from ui.cli.common import EXIT_FINDINGS, EXIT_OK, settings_from_cli

app = typer.Typer(no_args_is_help=True)

# The floors; `eval kb` exits 1 when the demo set falls below them.
KB_FLOORS = {"hit@3": 0.92, "answer_contains_fact": 0.92,
             "refusal_precision": 0.95, "refusal_recall": 0.95}


@app.command("kb")
def eval_kb(
    dataset: Annotated[Path, typer.Option(help="QA set (JSON lines).")] = kb_eval.DATASETS / "kb_qa.jsonl",
    kb: Annotated[str | None, typer.Option("--kb", help="Knowledge base [default: SME_DEFAULT_KB; the demo "
                                           "handbook is ingested first when it is missing]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    show_failures: Annotated[bool, typer.Option("--failures", help="List the questions that missed.")] = False,
    calibrate: Annotated[bool, typer.Option(help="Sweep the relevance threshold and print a table.")] = False,
    out: Annotated[Path | None, typer.Option(help="Write metrics and failures to this JSON file.")] = None,
    llm_server: Annotated[str | None, typer.Option(
        "--llm-server", help="'scripted': start the loopback scripted-good OpenAI-compatible model and answer "
        "with SME_LLM_BACKEND=openai against it (evaluation only).")] = None,
    no_glossary: Annotated[bool, typer.Option("--no-glossary", help="Answer from the demo handbook ingested "
                                              "without its glossary (synonyms.yaml).")] = False,
) -> int:
    """Answer every question of a QA set; print hit@1, hit@3, MRR, answer-contains-fact, refusal P/R.

    With an LLM (SME_LLM_BACKEND, or --llm-server scripted) it also prints how many answers the
    model wrote, the fallbacks by reason, and the unsupported figures that reached the client."""
    settings = settings_from_cli()
    if llm_server is not None:
        if llm_server != "scripted":
            raise typer.BadParameter("only 'scripted' is built in", param_hint="--llm-server")
        from eval.fake_llm_server import FakeLlmServer

        # A daemon thread serving loopback for the rest of this process; nothing to clean up.
        server = FakeLlmServer().start()
        settings = settings.model_copy(update={"llm_backend": "openai", "llm_base_url": server.base_url,
                                               "llm_model": "scripted"})
    name = kb or settings.default_kb
    if not dataset.is_file():
        raise typer.BadParameter(f"{dataset} does not exist", param_hint="--dataset")
    if calibrate:
        ensure_demo(settings, name)
        answerer = build_answerer(settings.model_copy(update={"relevance_threshold": 0.0}), name)
        for row in kb_eval.calibrate(lambda q: answerer.answer(q).to_json(), kb_eval.load_dataset(dataset)):
            print(json.dumps(row))
        return EXIT_OK
    evaluated = evaluate(settings, dataset, name, progress=not as_json, glossary=not no_glossary)
    metrics, fails = evaluated["metrics"], evaluated["failures"]
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"metrics": metrics, "failures": fails}, ensure_ascii=False, indent=1), "utf-8")
    if as_json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        for key, value in metrics.items():
            print(f"{key:22} {value if not isinstance(value, float) else f'{value:.3f}'}")
    if show_failures:
        for row in fails:
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    below = [k for k, floor in KB_FLOORS.items() if metrics[k] < floor]
    return EXIT_FINDINGS if below and dataset.name == "kb_qa.jsonl" and not no_glossary else EXIT_OK
