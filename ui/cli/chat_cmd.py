"""`sme-assistant chat` — a terminal chat with the dialogue manager, for trying everything by hand."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer

from assistant.dialogue import Attachment, IncomingMessage, Reply
from assistant.store.db import upgrade_schema
from assistant.wiring import build_dialogue_manager
from ui.cli.common import settings_from_cli

HELP = ("Chat with the assistant in the terminal (complaints, leads, questions). `/file PATH` uploads a "
        "document, `/new` starts a new session, `/quit` leaves. State is in the database: quit and come back "
        "with the same --user to resume a flow.")


def chat(
    user: Annotated[str, typer.Option(help="Client id; reuse it to resume an unfinished flow.")] = "cli-user",
    session: Annotated[str | None, typer.Option(help="Session id [default: a new one].")] = None,
    show_meta: Annotated[bool, typer.Option("--meta", help="Show route, flow step and data after each reply.")] = False,
) -> None:
    settings = settings_from_cli()
    upgrade_schema(settings.sqlalchemy_url)
    manager = build_dialogue_manager(settings)
    session_id = session or uuid.uuid4().hex[:12]
    print(f"{settings.bank_name} 小微企业助手（输入 /quit 退出，/file 路径 上传文件）")
    while True:
        try:
            line = input("您> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line in ("/quit", "/exit"):
            return
        if line == "/new":
            session_id = uuid.uuid4().hex[:12]
            continue
        attachment = None
        if line.startswith("/file "):
            path = Path(line[6:].strip()).expanduser()
            if not path.is_file():
                print(f"  （找不到文件 {path}）")
                continue
            attachment, line = Attachment(path.name, path=str(path)), ""
        reply = manager.reply(IncomingMessage("cli", user, session_id, line, attachment))
        print(render(reply, show_meta))


def render(reply: Reply, show_meta: bool = False) -> str:
    """Quick replies become numbered lines, as on channels without buttons."""
    lines = [f"助手> {reply.text}"]
    for i, citation in enumerate(reply.citations[:3], 1):
        lines.append(f"  [{i}] {citation.get('source')} · {citation.get('section') or citation.get('title')}")
    if reply.quick_replies:
        lines.append("  " + "  ".join(f"{i}. {q}" for i, q in enumerate(reply.quick_replies, 1)))
    if show_meta:
        lines.append(f"  (route={reply.route} flow={reply.flow} step={reply.step} data={reply.data})")
    return "\n".join(lines)
