"""`sme-assistant staff …` — staff accounts for the console."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.errors import UserError
from assistant.staff_accounts import ROLES, add_staff
from assistant.store.db import make_engine, session_factory, upgrade_schema
from ui.cli.common import settings_from_cli

app = typer.Typer(no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the console.")] = None,
    replace: Annotated[bool, typer.Option(help="Reset role and password of an existing user.")] = False,
) -> None:
    """Create a staff user (argon2 password hash). The password is read from stdin, never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        raise UserError("请用 --password-stdin 从标准输入提供密码")
    settings = settings_from_cli()
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    with session_factory(engine).begin() as db:
        user = add_staff(db, name, role, password, display_name, replace=replace)
        print(f"staff user {user.username} ({user.role}) saved")
    engine.dispose()
