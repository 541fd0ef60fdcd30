"""Render a decision for people: coloured text on a terminal, or Markdown for memos."""

from __future__ import annotations

from typing import Any

from .decision import Decision

_TRI = {True: "yes", False: "no", None: "undetermined"}


def _tree_lines(node: dict[str, Any], depth: int = 0, limit: int = 8) -> list[str]:
    line = f"{'  ' * depth}- {node['conclusion']}  [{node.get('cite', '')}]"
    lines = [line]
    if depth < limit:
        for child in node.get("because", []):
            lines.extend(_tree_lines(child, depth + 1, limit))
    return lines


def to_markdown(d: Decision) -> str:
    out = [f"# {d.case or 'Case'}: L.R. 251 decision", ""]
    out.append(
        f"- **Rule:** {d.rule.pack} version {d.rule.version}"
        + (f", overlays {', '.join(d.rule.overlays)}" if d.rule.overlays else "")
    )
    out.append(f"- **Evaluated as of:** {d.as_of}")
    out.append(f"- **Governed by the rule:** {_TRI[d.governs]}")
    out.append(f"- **Route:** {d.route or 'undetermined'}")
    out.append(f"- **Ready for hearing:** {_TRI[d.ready_for_hearing]}")
    out.append(
        f"- **Recommended disposition:** {d.disposition.recommended or 'undetermined'}"
        f" (consistent: {', '.join(d.disposition.consistent) or 'none'})"
    )
    out.append("")
    if d.defects:
        out += ["## Defects", ""] + [f"- {x.text} ({x.cite})" for x in d.defects] + [""]
    out += ["## Requirements", "", "| requirement | status | cite |", "| --- | --- | --- |"]
    out += [f"| {r.id} | {r.status} | {r.cite} |" for r in d.requirements] + [""]
    if d.exceptions:
        out += ["## Exceptions", ""]
        out += [
            f"- {e.id}: {_TRI[e.applies]} ({e.cite}){' — ' + e.because if e.because else ''}"
            for e in d.exceptions
        ] + [""]
    if d.deadlines:
        out += [
            "## Deadlines",
            "",
            "| deadline | date | status | counted from | cite |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {x.id} | {x.date or '—'} | {x.status} | {x.counted_from} ({x.days} "
            f"{x.unit.replace('_', ' ')} {x.direction}) | {x.cite} |"
            for x in d.deadlines
        ]
        out.append("")
    if d.sanctions:
        out += ["## Sanctions exposure (discretionary)", ""]
        out += [f"- {s.against}: {s.text} ({s.cite})" for s in d.sanctions] + [""]
    if d.next_steps:
        out += ["## Next steps", ""] + [
            f"- **{s.who}:** {s.action} ({s.cite})" for s in d.next_steps
        ]
        out.append("")
    if d.assumed:
        out += ["## Presumptions relied on", ""]
        out += [f"- {a.id} on `{a.fact}` ({a.cite})" for a in d.assumed] + [""]
    if d.undetermined:
        out += ["## Undetermined", ""]
        out += [
            f"- {u.conclusion}: depends on {', '.join(f'`{p}`' for p in u.depends_on)}"
            for u in d.undetermined
        ] + [""]
    if d.explanation:
        out += ["## Why", "", *_tree_lines(d.explanation), ""]
    return "\n".join(out)


def print_text(d: Decision, *, color: bool | None = None) -> None:
    """A readable, coloured summary (colour and shape both carry the status)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(no_color=color is False, force_terminal=color or None, highlight=False)
    tri = {True: "[green]✔ yes[/]", False: "[red]✘ no[/]", None: "[yellow]? undetermined[/]"}
    console.print(
        f"[bold]{d.case or 'Case'}[/] — {d.rule.pack} {d.rule.version}"
        + (f" + {', '.join(d.rule.overlays)}" if d.rule.overlays else "")
        + f" (as of {d.as_of})"
    )
    console.print(
        f"governed: {tri[d.governs]}   route: [bold]{d.route or '?'}[/]   "
        f"ready for hearing: {tri[d.ready_for_hearing]}"
    )
    console.print(
        f"disposition: [bold]{d.disposition.recommended or '?'}[/]  "
        f"(consistent: {', '.join(d.disposition.consistent) or '—'})"
    )
    marks = {
        "met": "[green]✔ met[/]",
        "unmet": "[red]✘ unmet[/]",
        "unknown": "[yellow]? unknown[/]",
        "excused": "[cyan]- excused[/]",
    }
    table = Table("requirement", "status", "cite", box=None, pad_edge=False)
    for r in d.requirements:
        table.add_row(r.id, marks[r.status], r.cite)
    console.print(table)
    for x in d.defects:
        console.print(f"[red]defect[/] {x.text} [dim]({x.cite})[/]")
    for e in d.exceptions:
        console.print(f"exception {e.id}: {tri[e.applies]} [dim]({e.cite})[/] {e.because or ''}")
    for dl in d.deadlines:
        console.print(
            f"deadline {dl.id}: {dl.date or '—'} [{dl.status}] "
            f"[dim]({dl.cite}; {dl.days} {dl.unit.replace('_', ' ')} {dl.direction} "
            f"{dl.counted_from})[/]"
        )
    for s in d.sanctions:
        console.print(f"[magenta]exposure[/] {s.against}: {s.text} [dim]({s.cite})[/]")
    for st in d.next_steps:
        console.print(f"[bold]next[/] {st.who}: {st.action} [dim]({st.cite})[/]")
    for a in d.assumed:
        console.print(f"[dim]assumed {a.id} on {a.fact} ({a.cite})[/]")
    for u in d.undetermined:
        console.print(
            f"[yellow]undetermined[/] {u.conclusion}: depends on {', '.join(u.depends_on)}"
        )
