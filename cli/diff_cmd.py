"""``rulepath diff``: what a change to a rule changes, computed symbolically (engine/diff.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # the installed name of cli/main.py is not visible to a source-tree check
    F = TypeVar("F", bound=Callable[..., Any])

    def reports_input_errors(func: F) -> F: ...

else:
    from rulepath.cli.main import reports_input_errors


def render(result: Any, fmt: str) -> str:
    """The diff as text or Markdown."""
    md = fmt == "markdown"
    out: list[str] = []
    head = f"{result.before}  ->  {result.after}"
    out.append(f"# Diff: {head}\n" if md else head)
    if not result.changed:
        out.append("No scenario's outcome changes.")
        return "\n".join(out)
    changed = [n for n, c in result.changes.items() if c]
    out.append(("**Outputs that change:** " if md else "outputs that change: ")
               + ", ".join(changed))
    out.append("")
    out.append("## Transitions\n" if md else "transitions (before -> after):")
    if md:
        out.append("| dimension | before | after | witness replays |")
        out.append("| --- | --- | --- | --- |")
    for p in result.patterns:
        mark = "yes" if p.replays else ("no case file found" if p.witness is None else "NO")
        if md:
            out.append(f"| {p.dimension} | {p.before} | {p.after} | {mark} |")
        else:
            out.append(f"  {p.dimension}: {p.before} -> {p.after}  (witness: {mark})")
    if not result.patterns:
        for d, x, y in result.transitions:
            out.append(f"  {d}: {x} -> {y}")
    out.append("")
    out.append("## Patterns\n" if md else "patterns (every completion makes the transition):")
    for p in result.patterns:
        out.append(f"### {p.dimension}: {p.before} -> {p.after}\n" if md
                   else f"  {p.dimension}: {p.before} -> {p.after}")
        for c in p.conditions:
            out.append(f"- {c.words()}" if md else f"    {c.words()}")
        if p.note:
            out.append(("" if md else "    ") + p.note)
        for side in ("a", "b"):
            if side in p.decided:
                d = p.decided[side]
                line = (f"{side}: route {d['route']}, ready {d['ready_for_hearing']}, "
                        f"recommended {d['recommended']}, defects {', '.join(d['defects'])}")
                out.append(f"- witness under {line}" if md else f"    witness under {line}")
        out.append("")
    out.append(("**Gaps** (a value before, none after): " if md else "gaps: ")
               + (", ".join(result.gaps) or "none"))
    out.append(("**New conflicts:** " if md else "new conflicts: ")
               + (", ".join(result.conflicts) or "none"))
    return "\n".join(out)


@click.command("diff")
@click.option("--pack", "pack_id", metavar="ID", help="The rule pack (default pack).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="With --amend or --overlay: the version in force on DATE (today).")
@click.option("--amend", "amend", metavar="FILE", help="Compare the version with this amendment.")
@click.option("--from", "from_version", metavar="V", help="Compare version V ...")
@click.option("--to", "to_version", metavar="V", help="... with version V.")
@click.option("--overlay", "overlays", multiple=True, metavar="ID",
              help="Compare the version with this overlay (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@reports_input_errors
def diff(pack_id: str | None, as_of: str | None, amend: str | None, from_version: str | None,
         to_version: str | None, overlays: tuple[str, ...], fmt: str) -> None:
    """What a change to the rule changes: every outcome transition across the scenario space,
    each with a minimal input pattern and a witness case that replays under both sides.

    Exit status: 0; 2 when an option is wrong.
    """
    from rulepath.cli.options import as_of_date
    from rulepath.engine.diff import diff as run

    result = run(pack_id, as_of=as_of_date(as_of), amend=amend, from_version=from_version,
                 to_version=to_version, overlays=overlays)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render(result, fmt))
