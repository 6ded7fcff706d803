"""Shared pieces of the CLI: building the settings once and reporting errors as one line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import click
import typer

from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings, load_settings
from knowledge_base.errors import KnowledgeBaseError, ModelUnavailable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

try:  # typer 0.2x runs on its own copy of click, whose exceptions are not click's
    from typer._click.exceptions import ClickException as _TyperClickException
except ImportError:  # older typer: plain click
    _TyperClickException = click.ClickException
USAGE_ERRORS = (click.ClickException, _TyperClickException)
EXITS = (click.exceptions.Exit, typer.Exit)
ABORTS = (click.exceptions.Abort, typer.Abort)


def settings_from_cli(**overrides: Any) -> Settings:
    """The one place the CLI builds settings; options given on the command line win."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return load_settings(**overrides)


def fail(message: str) -> None:
    print(f"错误：{message}" if _is_chinese(message) else f"error: {message}", file=sys.stderr)


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def run_guarded(command: Callable[[], Any]) -> int:
    """Run a click/typer command; the product's errors become one line and an exit code."""
    try:
        result = command()
    except EXITS as exc:
        return int(getattr(exc, "exit_code", EXIT_OK) or 0)
    except ABORTS:
        return 130
    except USAGE_ERRORS as exc:
        exc.show()
        return EXIT_USAGE
    except ModelUnavailable as exc:
        fail(str(exc))
        return EXIT_USAGE
    except (ConfigError, AssistantError, KnowledgeBaseError) as exc:
        fail(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result if isinstance(result, int) else EXIT_OK


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "ConfigError", "fail", "run_guarded", "settings_from_cli"]
