"""`sme-assistant ask` — one question, or one per line on stdin (JSON lines out)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.answering.service import Answer, build_answerer
from assistant.cli.common import settings_from_cli

HELP = ("Answer a financing question from a knowledge base, with citations. "
        "`ask -` reads one question per line on stdin and writes one JSON line per question.")


def ask(
    question: Annotated[str, typer.Argument(help="The question, or - to read questions from stdin.")],
    kb: Annotated[str | None, typer.Option("--kb", help="Knowledge base [default: SME_DEFAULT_KB]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    settings = settings_from_cli()
    answerer = build_answerer(settings, kb)
    if question == "-":
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(answerer.answer(line.rstrip("\n")).to_json(), ensure_ascii=False), flush=True)
        return
    answer = answerer.answer(question)
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print(render_text(answer))


def render_text(answer: Answer) -> str:
    lines = [answer.answer]
    for i, citation in enumerate(answer.citations[:3], 1):
        snippet = citation["text"].replace("\n", " ")
        lines.append(f"  [{i}] {citation['source']} · {citation['section'] or citation['title']}: "
                     f"{snippet[:80]}{'…' if len(snippet) > 80 else ''}")
    return "\n".join(lines)
