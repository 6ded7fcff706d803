"""The `sme-assistant eval …` commands, added to the product's CLI through an entry point.

``pyproject.toml`` declares ``[project.entry-points."sme_assistant.commands"] eval =
"eval.cli:register"``; the CLI calls every such ``register(app)`` at start-up, so the product
never imports ``eval`` (the way ``llm`` plugins add commands).
"""

from __future__ import annotations

import typer

import eval.cli.all_cmd  # registers `eval all`, `eval fuzz`
import eval.cli.ocr_cmd
import eval.cli.routing_cmd  # noqa: F401  (registers `eval routing`)
from eval.cli.kb_cmd import app as eval_app


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval", help="Run evaluations on the labelled datasets.")
