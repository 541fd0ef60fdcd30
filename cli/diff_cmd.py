"""``rulepath diff``: what a change to a rule changes, computed symbolically (engine/diff.py)."""

from __future__ import annotations

import json
from typing import Any

import click

from rulepath.cli.status import reports_input_errors


def _n(count: int | None) -> str:
    return "not counted" if count is None else f"{count:,}"


def _decision(d: dict[str, Any]) -> str:
    return (f"route {d['route']}, ready {d['ready_for_hearing']}, recommended "
            f"{d['recommended']}, defects {', '.join(d['defects']) or 'none'}")


def _not_counted(result: Any) -> str:
    words = ("Counts are exact joint scenarios (both sides' scenario constraints, shared case "
             "facts, each side's calendar judgements), counted without enumerating them.")
    if result.count_note:
        words += f" \"not counted\": {result.count_note}."
    return words


def render(result: Any, fmt: str) -> str:
    """The diff as text or Markdown (a report a drafter could circulate)."""
    if fmt == "markdown":
        return render_markdown(result)
    out: list[str] = [f"{result.before}  ->  {result.after}"]
    if not result.changed:
        out.append("No scenario's outcome changes.")
        return "\n".join(out)
    out.append(f"joint scenarios: {_n(result.scenarios)}")
    out.append("outputs that change (scenarios):")
    for name, c in result.changes.items():
        if c:
            out.append(f"  {name}: {_n(result.change_counts.get(name))}")
    out.append("")
    out.append("transitions (before -> after):")
    words = {"unsearched": "not searched (time budget)", "replays": "yes",
             "none": "no case file found", "fails": "NO"}
    for key, status in _witness_status(result):
        mark = words[status]
        out.append(f"  {key[0]}: {key[1]} -> {key[2]}  (scenarios: "
                   f"{_n(result.transition_counts.get(key))}; witness: {mark})")
    out.append("")
    out.append("patterns (every completion makes the transition):")
    for p in result.patterns:
        out.append(f"  {p.dimension}: {p.before} -> {p.after}")
        for c in p.conditions:
            out.append(f"    {c.words()}")
        if p.note:
            out.append("    " + p.note)
        for side in ("a", "b"):
            if side in p.decided:
                out.append(f"    witness under {side}: {_decision(p.decided[side])}")
        out.append("")
    if result.skipped:
        out.append(f"patterns not searched (time budget): {len(result.skipped)} transitions")
    out.append("gaps: " + (", ".join(result.gaps) or "none"))
    out.append("new conflicts: " + (", ".join(result.conflicts) or "none"))
    return "\n".join(out)


def _witness_status(result: Any) -> list[tuple[tuple[str, str, str], str]]:
    """Each transition with what became of its witness: ``unsearched`` (past the time
    budget), ``replays``, ``none`` (no case file found) or ``fails`` (it does not replay)."""
    by_key = {(p.dimension, p.before, p.after): p for p in result.patterns}
    out = []
    for key in result.transitions:
        p = by_key.get(key)
        status = ("unsearched" if p is None else "replays" if p.replays
                  else "none" if p.witness is None else "fails")
        out.append((key, status))
    return out


def render_markdown(result: Any) -> str:
    import yaml

    from rulepath.engine.diff import changed_graph

    out: list[str] = [f"# What changes: {result.pack}\n",
                      f"- **Before (a):** {result.before}",
                      f"- **After (b):** {result.after}", ""]
    out.append("## Summary\n")
    if not result.changed:
        out.append("No scenario's outcome changes.")
        return "\n".join(out) + "\n"
    changed = [n for n, c in result.changes.items() if c]
    main = sorted({d for d, _x, _y in result.transitions
                   if not d.startswith("requirement(")})
    reqs = sorted({d for d, _x, _y in result.transitions if d.startswith("requirement(")})
    out.append(f"{len(result.transitions)} possible transitions across "
               f"{_n(result.scenarios)} joint scenarios. Decisions that can change: "
               f"{', '.join(main) or 'none'}; requirements: "
               f"{', '.join(r[len('requirement('):-1] for r in reqs) or 'none'}. "
               f"Declared outputs that change: {', '.join(changed)}.")
    out.append(f"Gaps (a value before, none after): {', '.join(result.gaps) or 'none'}. "
               f"New conflicts: {', '.join(result.conflicts) or 'none'}.\n")
    out.append("## Scenarios per output\n")
    out.append("| output | scenarios whose outcome changes |")
    out.append("| --- | ---: |")
    for name in changed:
        out.append(f"| {name} | {_n(result.change_counts.get(name))} |")
    out.append("")
    out.append(_not_counted(result) + "\n")
    out.append("## Transitions\n")
    out.append("| dimension | before | after | scenarios | witness |")
    out.append("| --- | --- | --- | ---: | --- |")
    words = {"unsearched": "not searched (time budget)", "replays": "replays",
             "none": "no case file found", "fails": "DOES NOT REPLAY"}
    for key, status in _witness_status(result):
        mark = words[status]
        out.append(f"| {key[0]} | {key[1]} | {key[2]} | "
                   f"{_n(result.transition_counts.get(key))} | {mark} |")
    out.append("")
    if result.skipped:
        out.append(f"Patterns were searched within a time budget, the main decisions (route, "
                   f"readiness, recommendation) first; {len(result.skipped)} transitions "
                   f"have none here (`rulepath.diff(..., budget=None)` searches them all).\n")
    graph = changed_graph(result)
    if graph:
        out.append("## The changed region\n")
        out.append("The rule graph after the change, around the conclusions that change "
                   "(marked Δ), with their direct premises and consequences.\n")
        out.append("```mermaid\n" + graph.rstrip() + "\n```\n")
    out.append("## Patterns\n")
    for p in result.patterns:
        out.append(f"### {p.dimension}: {p.before} → {p.after}\n")
        out.append("Every case agreeing with these inputs makes the transition:\n")
        for c in p.conditions:
            out.append(f"- {c.words()}")
        out.append("")
        if p.note:
            out.append(p.note + "\n")
        if p.decided:
            out.append("| | before (a) | after (b) |")
            out.append("| --- | --- | --- |")
            a, b = p.decided.get("a", {}), p.decided.get("b", {})
            for field in ("route", "ready_for_hearing", "recommended"):
                out.append(f"| {field} | {a.get(field)} | {b.get(field)} |")
            out.append(f"| defects | {', '.join(a.get('defects', [])) or 'none'} | "
                       f"{', '.join(b.get('defects', [])) or 'none'} |")
            out.append("")
        if p.witness is not None:
            out.append("Witness case" + (" (replays under both sides)" if p.replays
                                         else " (DOES NOT REPLAY)") + ":\n")
            out.append("```yaml\n" + yaml.safe_dump(p.witness, sort_keys=False,
                                                     allow_unicode=True).rstrip()
                       + "\n```\n")
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
@click.option("--all-patterns", "all_patterns", is_flag=True,
              help="Search a pattern and witness for every transition (default: the main "
                   "decisions first, within rulepath.engine.diff.PATTERN_BUDGET seconds).")
@click.option("--count", "count_each", is_flag=True,
              help="Also count, exactly, the scenarios each output and each transition changes "
                   "in (0.1-0.6 s each; the total is always counted).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@reports_input_errors
def diff(pack_id: str | None, as_of: str | None, amend: str | None, from_version: str | None,
         to_version: str | None, overlays: tuple[str, ...], all_patterns: bool, count_each: bool,
         fmt: str) -> None:
    """What a change to the rule changes: every outcome transition across the scenario space,
    each with a minimal input pattern and a witness case that replays under both sides.

    Exit status: 0; 2 when an option is wrong.
    """
    from rulepath.cli.options import as_of_date
    from rulepath.engine.diff import PATTERN_BUDGET
    from rulepath.engine.diff import diff as run

    result = run(pack_id, as_of=as_of_date(as_of), amend=amend, from_version=from_version,
                 to_version=to_version, overlays=overlays, count_each=count_each,
                 budget=None if all_patterns else PATTERN_BUDGET)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render(result, fmt))
