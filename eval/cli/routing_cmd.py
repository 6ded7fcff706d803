"""`sme-assistant eval routing` — accuracy per route and the confusion matrix on the labelled set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.dialogue.router import ROUTES, Router
from assistant.wiring import build_answerer
from eval import routing_eval
from eval.cli.kb_cmd import app as eval_app
from ui.cli.common import EXIT_FINDINGS, EXIT_OK, settings_from_cli

ROUTING_FLOOR = 0.95


@eval_app.command("routing")
def eval_routing(
    dataset: Annotated[Path, typer.Option(help="Labelled messages (JSON lines).")] = routing_eval.DATASET,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    show_failures: Annotated[bool, typer.Option("--failures", help="List the misrouted messages.")] = False,
) -> int:
    """Route every labelled message as a first turn; print accuracy per route and the confusion matrix."""
    settings = settings_from_cli()
    if not dataset.is_file():
        raise typer.BadParameter(f"{dataset} does not exist", param_hint="--dataset")
    router = Router(build_answerer(settings))
    results = routing_eval.run(lambda text: router.route(text).route, routing_eval.load_dataset(dataset))
    metrics = routing_eval.metrics(results, ROUTES)
    print(json.dumps(metrics, ensure_ascii=False) if as_json else routing_eval.format_report(metrics, list(ROUTES)))
    if show_failures:
        for row in results:
            if row["route"] != row["predicted"]:
                print(json.dumps(row, ensure_ascii=False))
    return EXIT_FINDINGS if metrics["accuracy"] < ROUTING_FLOOR else EXIT_OK
