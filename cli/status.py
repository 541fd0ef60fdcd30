"""How a command ends: the exit statuses (docs/exit-codes.md), the status recorded before
the output is written, and bad input as one line naming the field or its flag. Shared by the
``rulepath`` group (cli/main.py) and every command module."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# The engine names the parameter at fault; the command line words it as its flag.
FLAGS = {
    "why": "--why",
    "why_not": "--why-not",
    "focus": "--focus",
    "path": "--path",
    "output": "-o",
    "format": "--format",
    "as_of": "--as-of",
    "overlay": "--overlay",
    "rule_version": "--rule-version",
    "amend": "--amend",
}
# What the command line calls the file a case was read from (a CaseError's field "<file>").
FILE_ARGUMENT = "CASE"

# Exit statuses (docs/exit-codes.md): 0 success; 1 the output is printed but something is
# wrong (the rules conflict, an eval floor is missed or a file could not be decided, batch
# lines gave error records); 2 bad input or usage (click's own usage errors are 2 as well).
OK, WRONG, BAD_INPUT = 0, 1, 2
# The status a command has determined before writing its output (ctx.meta): what it exits
# with when its reader goes away (a closed pipe) before all is written.
STATUS = "rulepath.status"


def set_status(status: int) -> None:
    """Record the status the running command will exit with (see :data:`STATUS`)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[STATUS] = status


def silence_stdout() -> None:
    """After a closed pipe: point stdout at the null device, so that what is still buffered
    is dropped at exit instead of failing again (as the Python documentation recommends for
    SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (a test's stdout)
        pass



def reports_input_errors(func: F) -> F:
    """Bad input becomes one line on stderr naming the field (or the flag), and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from rulepath.engine.errors import CaseError, RulepathError, printable

        try:
            return func(*args, **kwargs)
        except CaseError as error:
            if error.field == "<file>" and error.source is None:  # the file named itself
                message = printable(f"{FILE_ARGUMENT}: {error.problem}")
            else:
                message = str(error)
            click.echo(f"rulepath: {message}", err=True)
            sys.exit(BAD_INPUT)
        except RulepathError as error:
            where = FLAGS.get(error.field, error.field)
            click.echo(f"rulepath: {printable(f'{where}: {error.reason}')}", err=True)
            sys.exit(BAD_INPUT)

    return wrapper  # type: ignore[return-value]
