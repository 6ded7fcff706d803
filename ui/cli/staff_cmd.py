"""`sme-assistant staff …` — staff accounts for the console: add, disable, enable, reset-password."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from assistant.errors import UserError
from assistant.staff_accounts import ROLES, add_staff, reset_password, set_active
from assistant.store.db import make_engine, session_factory, upgrade_schema
from ui.cli.common import settings_from_cli

app = typer.Typer(no_args_is_help=True)
STDIN = typer.Option("--password-stdin", help="Read the password from stdin.")


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    raise UserError("请用 --password-stdin 从标准输入提供密码")


def _in_transaction(work: Callable[[Any, int], str]) -> None:
    settings = settings_from_cli()
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    try:
        with session_factory(engine).begin() as db:
            print(work(db, settings.password_min_length))
    finally:
        engine.dispose()


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    password_stdin: Annotated[bool, STDIN] = False,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the console.")] = None,
    replace: Annotated[bool, typer.Option(help="Reset role and password of an existing user.")] = False,
) -> None:
    """Create a staff user (argon2 password hash). The password is read from stdin, never an argument."""
    password = _password(password_stdin)

    def work(db: Any, min_length: int) -> str:
        user = add_staff(db, name, role, password, display_name, replace=replace, min_length=min_length)
        return f"staff user {user.username} ({user.role}) saved"

    _in_transaction(work)


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable an account: it cannot log in, and every token it holds stops working at once."""
    _in_transaction(lambda db, _m: f"staff user {set_active(db, name, False).username} disabled")


@app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled account again (it logs in anew; old tokens stay revoked)."""
    _in_transaction(lambda db, _m: f"staff user {set_active(db, name, True).username} enabled")


@app.command("reset-password")
def reset(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, STDIN] = False,
) -> None:
    """Set a new password (checked against the policy); the account's tokens stop working."""
    password = _password(password_stdin)
    _in_transaction(lambda db, m: f"password of {reset_password(db, name, password, min_length=m).username} reset")
