"""What several commands share: the case options (``--as-of``, ``--overlay``,
``--rule-version``), the case they give, and the warnings on stderr."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from rulepath.cli.completion import complete_overlays, complete_versions

if TYPE_CHECKING:
    from rulepath.engine.casefile import Case

F = TypeVar("F", bound=Callable[..., Any])


def case_options(func: F) -> F:
    """``--as-of DATE``, ``--overlay ID`` (repeatable) and ``--rule-version ID``: what the
    case file says of its date, overlays and version, changed for this run."""
    func = click.option(
        "--rule-version", metavar="ID", shell_complete=complete_versions,
        help="Decide under this version (37-251, 251, ...) instead of the case file's or the "
        "one in force on its date.")(func)
    func = click.option(
        "--overlay", "overlays", multiple=True, metavar="ID", shell_complete=complete_overlays,
        help="Also apply this court modification, besides the case file's (repeatable).")(func)
    return click.option(
        "--as-of", "as_of", metavar="DATE",
        help="Decide as of DATE (YYYY-MM-DD) instead of the case file's as_of.")(func)


def space_options(func: F) -> F:
    """``--pack ID``, ``--version V``, ``--as-of DATE`` and ``--overlay ID`` (repeatable): the
    rule a drafter's command (scenarios, check) explores, with no case."""
    func = click.option(
        "--overlay", "overlays", multiple=True, metavar="ID", shell_complete=complete_overlays,
        help="Apply this court modification (repeatable).")(func)
    func = click.option("--as-of", "as_of", metavar="DATE",
                        help="The version in force on DATE.")(func)
    func = click.option("--version", "version_id", metavar="V", shell_complete=complete_versions,
                        help="This version of the rule.")(func)
    return click.option("--pack", "pack_id", metavar="ID",
                        help="The rule pack (default pack).")(func)


def amend_option(func: F) -> F:
    """``--amend FILE``: load an amendment (.lp, overlay style) on top of the case's version
    and overlays, validated first (``rulepath.engine.amendment``)."""
    return click.option(
        "--amend", "amend", metavar="FILE", type=click.Path(dir_okay=False),
        help="Load this amendment (.lp in the overlay style) on top of the version and "
        "overlays; it is validated first, an error names FILE:LINE.")(func)


def as_of_date(value: str | None) -> date | None:
    """``--as-of``'s date; a :class:`RulepathError` on ``as_of`` (the CLI words it as the
    flag) when it is not one the calendar covers."""
    from rulepath.engine import calendar
    from rulepath.engine.errors import RulepathError

    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RulepathError("as_of", f"not an ISO date (YYYY-MM-DD): {value!r}") from None
    try:
        calendar.check_in_range(day)
    except ValueError as error:
        raise RulepathError("as_of", str(error)) from None
    return day


def with_options(
    case: Case, as_of: str | None, overlays: tuple[str, ...], rule_version: str | None
) -> Case:
    """The case with the command line's date, overlays (added to the file's, each once) and
    version; an unknown overlay or version is refused naming its flag."""
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import load_pack

    update: dict[str, Any] = {}
    day = as_of_date(as_of)
    if day is not None:
        update["as_of"] = day
    if overlays or rule_version is not None:
        pack = load_pack(case.pack)
        for overlay in overlays:
            if overlay not in pack.overlays:
                known = ", ".join(sorted(pack.overlays)) or "none"
                raise RulepathError(
                    "overlay", f"unknown overlay {overlay!r} of {pack.id} (known: {known})")
        if rule_version is not None and rule_version not in [v.id for v in pack.versions]:
            known = ", ".join(v.id for v in pack.versions)
            raise RulepathError(
                "rule_version", f"unknown version {rule_version!r} of {pack.id} (known: {known})")
    if overlays:
        update["overlays"] = tuple(dict.fromkeys((*case.overlays, *overlays)))
    if rule_version is not None:
        update["rule_version"] = rule_version
    return case.model_copy(update=update) if update else case


def load(case: str, as_of: str | None = None, overlays: tuple[str, ...] = (),
         rule_version: str | None = None) -> Case:
    """The case CASE names (``-``: stdin) with the command line's options, its warnings
    printed (:func:`warn`)."""
    from rulepath.engine.casefile import load_case

    loaded = with_options(load_case(case), as_of, overlays, rule_version)
    warn(loaded)
    return loaded


def warn(case: Case) -> int:
    """Print on stderr, one line each, the values of ``case`` outside the vocabulary of the
    program it is decided under (:mod:`rulepath.engine.vocabulary`); how many."""
    from rulepath.engine.api import program_for_case
    from rulepath.engine.errors import printable
    from rulepath.engine.vocabulary import vocabulary_warnings

    warnings = vocabulary_warnings(program_for_case(case), case)
    for warning in warnings:
        click.echo(f"rulepath: warning: {printable(str(warning))}", err=True)
    return len(warnings)
