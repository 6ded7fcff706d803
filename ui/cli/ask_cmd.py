"""`sme-assistant ask` — one question, or one per line on stdin (JSON lines out)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.answering.log import record_answer
from assistant.answering.service import Answer, QuestionAnswerer
from assistant.store.db import make_engine, session_factory, upgrade_schema
from assistant.wiring import build_answerer
from ui.cli.common import settings_from_cli

HELP = ("Answer a financing question from a knowledge base, with citations. "
        "`ask -` reads one question per line on stdin and writes one JSON line per question.")
STREAM_HELP = ("Print the answer as it is written (with an LLM); with --json, one {event, data} line per event, "
               "as the web API sends them.")


def ask(
    question: Annotated[str, typer.Argument(help="The question, or - to read questions from stdin.")],
    kb: Annotated[str | None, typer.Option("--kb", help="Knowledge base [default: SME_DEFAULT_KB]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    stream: Annotated[bool, typer.Option("--stream", help=STREAM_HELP)] = False,
) -> None:
    settings = settings_from_cli()
    name = kb or settings.default_kb
    answerer = build_answerer(settings, name)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    sessions = session_factory(engine)
    if stream and question != "-":
        record_answer(sessions, print_stream(answerer, question, as_json), name, "cli")
        return
    if question == "-":
        for line in sys.stdin:
            if line.strip():
                answer = answerer.answer(line.rstrip("\n"))
                record_answer(sessions, answer, name, "cli")
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    answer = answerer.answer(question)
    record_answer(sessions, answer, name, "cli")
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print(render_text(answer))


def print_stream(answerer: QuestionAnswerer, question: str, as_json: bool) -> Answer:
    """Tokens as they arrive; the checked answer at the end replaces them if they were retracted."""
    shown = ""
    final: Answer | None = None
    for event in answerer.stream(question):
        if as_json:
            print(json.dumps({"event": event.kind, "data": event.to_json()}, ensure_ascii=False), flush=True)
            final = event.answer or final
            continue
        if event.kind == "delta":
            shown += event.text
            print(event.text, end="", flush=True)
            continue
        assert event.answer is not None
        final = event.answer
        if event.retracted:
            print("\n（上面的内容未通过核对，以下为资料原文：）\n" + render_text(event.answer), flush=True)
        else:
            rest = event.answer.answer[len(shown.strip()):] if shown else event.answer.answer
            print(render_text(Answer(**{**event.answer.__dict__, "answer": rest})), flush=True)
    assert final is not None, "a stream always ends with its final answer"
    return final


def render_text(answer: Answer) -> str:
    lines = [answer.answer]
    for i, citation in enumerate(answer.citations[:3], 1):
        snippet = citation["text"].replace("\n", " ")
        lines.append(f"  [{i}] {citation['source']} · {citation['section'] or citation['title']}: "
                     f"{snippet[:80]}{'…' if len(snippet) > 80 else ''}")
    return "\n".join(lines)
