"""Shell completion of the values the packs declare: overlay ids, version ids and the atoms
``--why``/``--why-not`` take. Each is a click ``shell_complete`` callable
(``ctx, param, incomplete`` -> ``CompletionItem`` list).

When the command line already names a CASE, the completions are the case's pack's (and, for
atoms, those of the program the case is decided under); otherwise those of ``--pack``, else of
every pack found. Completion never fails: a case file that cannot be read is ignored, and
anything else going wrong offers nothing.

Atoms contain parentheses, which bash would read as syntax; under bash they are offered with
the parentheses escaped (``route\\(joint_statement\\)``), so that accepting one gives a
command that runs. zsh and fish quote what they insert themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from rulepath.engine.casefile import Case
    from rulepath.engine.pack import Pack
    from rulepath.engine.program import Program

__all__ = ["complete_atoms", "complete_overlays", "complete_versions"]


def _line(ctx: click.Context) -> dict[str, Any]:
    """The values the command line gives so far. click parses the words before the one being
    completed, but when the last of them is an option awaiting its value (``--why <TAB>``) it
    parses none at all; then the command's words are parsed again without that option, from
    what the shell passed (``COMP_WORDS``, ``COMP_CWORD``: the same for bash, zsh and fish's
    scripts)."""
    params = {k: v for k, v in ctx.params.items() if isinstance(v, str | tuple) and v}
    if "case" in params or ctx.info_name is None or "COMP_WORDS" not in os.environ:
        return params
    from click.shell_completion import split_arg_string

    words = split_arg_string(os.environ["COMP_WORDS"])
    cword = os.environ.get("COMP_CWORD", "")
    if cword.isdigit():  # bash, zsh: the index of the word being completed
        words = words[1 : int(cword)]
    else:  # fish: the word being completed, also the last of COMP_WORDS
        words = words[1:]
        if cword and words and words[-1] == cword:
            words.pop()
    if ctx.info_name not in words:
        return params
    args = words[words.index(ctx.info_name) + 1 :]
    if args and args[-1].startswith("-"):
        args.pop()
    try:
        with ctx.command.make_context(
            ctx.info_name, args, parent=ctx.parent, resilient_parsing=True
        ) as again:
            found = {k: v for k, v in again.params.items() if isinstance(v, str | tuple) and v}
    except (click.ClickException, click.exceptions.Exit):
        return params
    return {**found, **params}


def _param(ctx: click.Context, *names: str) -> Any:
    """A value the command line gives so far, or None."""
    line = _line(ctx)
    for name in names:
        if name in line:
            return line[name]
    return None


def _case(ctx: click.Context) -> Case | None:
    """The case the command line names, if it names one that can be read (not stdin)."""
    from rulepath.engine.api import as_case
    from rulepath.engine.errors import RulepathError

    path = _param(ctx, "case")
    if not isinstance(path, str) or path == "-" or not os.path.isfile(path):
        return None
    try:
        return as_case(path)
    except (RulepathError, OSError, ValueError):
        return None


def _packs(ctx: click.Context) -> list[Pack]:
    """The case's pack, else ``--pack``'s, else every pack found."""
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.pack import load_pack, packs

    case = _case(ctx)
    if case is not None:
        return [load_pack(case.pack)]
    pack_id = _param(ctx, "pack", "pack_id")
    if isinstance(pack_id, str):
        try:
            return [load_pack(pack_id)]
        except RulepathError:
            pass
    return sorted(packs().values(), key=lambda p: p.id)


def _programs(ctx: click.Context) -> list[Program]:
    """The program the case is decided under (with the command line's ``--as-of``,
    ``--overlay`` and ``--rule-version``, when the command has them), else the version in
    force today of each pack in question."""
    from datetime import date

    from rulepath.engine.api import program_for_case
    from rulepath.engine.errors import RulepathError
    from rulepath.engine.program import program_for

    case = _case(ctx)
    if case is not None:
        update: dict[str, Any] = {}
        as_of = _param(ctx, "as_of")
        if isinstance(as_of, str):
            with suppress(ValueError):
                update["as_of"] = date.fromisoformat(as_of)
        overlays = _param(ctx, "overlays", "overlay")
        if isinstance(overlays, tuple):
            update["overlays"] = tuple(dict.fromkeys((*case.overlays, *overlays)))
        version = _param(ctx, "rule_version")
        if isinstance(version, str):
            update["rule_version"] = version
        for candidate in (case.model_copy(update=update), case) if update else (case,):
            try:
                return [program_for_case(candidate)]
            except RulepathError:
                continue
    found = []
    for pack in _packs(ctx):
        try:
            found.append(program_for(pack, pack.version_for(date.today()), ()))
        except RulepathError:
            continue
    return found


def _bash(ctx: click.Context) -> bool:
    """Whether bash asked (click's ``_PROG_COMPLETE=bash_complete``)."""
    prog = ctx.find_root().info_name or "rulepath"
    var = f"_{prog}_COMPLETE".replace("-", "_").replace(".", "_").upper()
    return os.environ.get(var, "").startswith("bash")


def _items(
    candidates: Iterable[tuple[str, str | None]], incomplete: str, escape: bool = False
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem  # only when completing: not at start

    seen: set[str] = set()
    items = []
    for value, help_text in candidates:
        if value in seen or not value.startswith(incomplete):
            continue
        seen.add(value)
        # bash inserts a completion as it is: the parentheses escaped, and every backslash
        # doubled, as click's script reads the line with `read` (which takes one away).
        shown = value.replace("(", "\\\\(").replace(")", "\\\\)") if escape else value
        items.append(CompletionItem(shown, help=help_text))
    return items


def _never_fails(
    complete: Callable[[click.Context, click.Parameter, str], list[CompletionItem]],
) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def wrapper(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[
        CompletionItem
    ]:
        try:
            return complete(ctx, param, incomplete)
        except Exception:  # a completion must never print a traceback into the shell
            return []

    wrapper.__name__ = complete.__name__
    wrapper.__doc__ = complete.__doc__
    return wrapper


@_never_fails
def complete_overlays(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Overlay ids (``--overlay``): of the case's pack when CASE is given, else of
    ``--pack``, else of every pack; ids already chosen (on the line or in the case) are left
    out. The help is where the overlay was seen."""
    chosen = set(_param(ctx, "overlays", "overlay") or ())
    case = _case(ctx)
    if case is not None:
        chosen |= set(case.overlays)
    candidates = [
        (o.id, o.seen_in or None)
        for pack in _packs(ctx)
        for o in sorted(pack.overlays.values(), key=lambda o: o.id)
        if o.id not in chosen
    ]
    return _items(candidates, incomplete)


@_never_fails
def complete_versions(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Version ids (``--rule-version``) of the case's pack, ``--pack``'s or every pack's, in
    the order they took effect; the help is the day each took effect."""
    candidates = [
        (v.id, f"{pack.id}: in force from {v.in_force_from.isoformat()}")
        for pack in _packs(ctx)
        for v in pack.versions
    ]
    return _items(candidates, incomplete)


@_never_fails
def complete_atoms(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Conclusion atoms (``--why``, ``--why-not``): the pack's output vocabulary as its rules
    conclude it (``governs``, ``ready_for_hearing``, ``route(joint_statement)``,
    ``defect(no_conference)`` ...), from the program the case is decided under, else from the
    version in force today of each pack. When nothing there matches what is typed, every
    conclusion a rule draws (``conference_held``, ``js_filed`` ...). Loading a program
    grounds it once; nothing is solved."""
    wanted = incomplete.replace("\\", "").replace(" ", "")
    outputs: list[tuple[str, str | None]] = []
    others: list[tuple[str, str | None]] = []
    for program in _programs(ctx):
        for head, rules in program.rules_by_head.items():
            cites = sorted({program.cite(r.cite) for r in rules})
            entry = (str(head), ", ".join(cites) or None)
            (outputs if head.name in program.outputs else others).append(entry)
    escape = _bash(ctx)
    found = _items(sorted(outputs), wanted, escape)
    return found or _items(sorted(others), wanted, escape)
