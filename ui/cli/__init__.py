"""`sme-assistant`: the command line, a thin layer over the packages.

Each command group lives in its own module and is registered here explicitly, so the product's
command tree is visible in one place. Other packages add commands through the entry-point group
``sme_assistant.commands`` (``eval`` adds ``sme-assistant eval …`` this way): each entry point is a
``register(app)`` function, called at start-up.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import typer

from ui.cli import ask_cmd, chat_cmd, db_cmd, kb_cmd, ocr_cmd, serve_cmd, staff_cmd
from ui.cli.common import run_guarded

app = typer.Typer(
    name="sme-assistant",
    help="锦程银行 SME financing assistant: cited answers, document checks, complaints and leads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(kb_cmd.app, name="kb", help="Manage knowledge bases: ingest, list, stats, remove.")
app.command("ask", help=ask_cmd.HELP)(ask_cmd.ask)
app.add_typer(ocr_cmd.app, name="ocr", help="Read and check invoices, contracts and business licences.")
app.add_typer(db_cmd.app, name="db", help="Database schema: upgrade to the latest migration.")
app.command("chat", help=chat_cmd.HELP)(chat_cmd.chat)
app.command("serve", help=serve_cmd.HELP)(serve_cmd.serve)
app.add_typer(staff_cmd.app, name="staff", help="Staff accounts for the console: add, disable, enable, reset-password.")


COMMAND_GROUP = "sme_assistant.commands"


def load_plugins(cli: typer.Typer) -> None:
    """Commands other packages add (``eval``): each entry point names a ``register(app)`` function."""
    for entry in entry_points(group=COMMAND_GROUP):
        entry.load()(cli)


load_plugins(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point; maps the product's errors to one clear line and an exit code."""
    sys.exit(run_guarded(lambda: app(args=argv, standalone_mode=False)))
