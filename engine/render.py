"""Render a decision for people: coloured text on a terminal, or Markdown for memos."""

from __future__ import annotations

from typing import Any

from .decision import Decision

_TRI = {True: "yes", False: "no", None: "undetermined"}


def _marks(node: dict[str, Any]) -> str:
    """What a node's line says besides its conclusion: its cite, or the presumption it rests
    on (a presumed fact is never shown as a stated one), and how far it holds."""
    presumed = node.get("presumed")
    if presumed and presumed.get("in_every_completion", True):
        via = f" on {presumed['via']}" if presumed.get("via") else ""
        marks = [f"(presumed: {presumed['id']}{via}, {presumed['cite']})"]
    else:
        marks = [f"[{node.get('cite', '')}]"]
        if presumed:
            marks.append(f"(presumed in some completions: {presumed['id']}, {presumed['cite']})")
    if node.get("stated") is False:
        marks.append("(not stated: the rules and presumptions leave it no other value)")
    if node.get("undetermined") and node.get("value") != "unknown":  # a fact says it itself
        depends = node.get("depends_on")
        marks.append(
            f"(undetermined: depends on {', '.join(depends)})" if depends else "(undetermined)"
        )
    if node.get("by_cases"):
        marks.append("(in every completion, by one of these rules)")
    if node.get("jointly"):
        marks.append("(its premises never hold together)")
    if node.get("no_rule"):
        marks.append("(no rule concludes it)")
    if node.get("truncated"):
        marks.append("(not explained further: the tree is cut here)")
    return "  ".join(marks)


def _tree_lines(
    node: dict[str, Any], depth: int = 0, limit: int = 8, seen: set[str] | None = None
) -> list[str]:
    """A justification tree (engine/explain.py) as indented lines. A subtree met again is
    not printed twice (``explained above``); a level past ``limit`` is elided with a line
    that says so."""
    seen = set() if seen is None else seen
    indent = "  " * depth
    lines = [f"{indent}- {node['conclusion']}  {_marks(node)}"]
    if node.get("note"):
        lines.append(f"{indent}  {node['note']}")
    children = node.get("because", [])
    if not children:
        return lines
    key = f"{node['conclusion']}\x00{node.get('cite', '')}"
    if key in seen:
        lines[0] += "  (explained above)"
    elif depth >= limit:
        lines.append(f"{indent}  - … ({len(children)} more reason(s) not shown)")
    else:
        seen.add(key)
        for child in children:
            lines.extend(_tree_lines(child, depth + 1, limit, seen))
    return lines


def to_markdown(d: Decision) -> str:
    out = [f"# {d.case or 'Case'}: decision under {d.rule.pack}", ""]
    out.append(
        f"- **Rule:** {d.rule.pack} version {d.rule.version}"
        + (f", overlays {', '.join(d.rule.overlays)}" if d.rule.overlays else "")
    )
    out.append(f"- **Evaluated as of:** {d.as_of}")
    out.append(f"- **Governed by the rule:** {_TRI[d.governs]}")
    out.append(f"- **Route:** {d.route or 'undetermined'}")
    out.append(f"- **Ready for hearing:** {_TRI[d.ready_for_hearing]}")
    if d.readiness:
        out.append(f"- **Why:** {d.readiness.text} ({d.readiness.cite})")
    out.append(
        f"- **Recommended disposition:** {d.disposition.recommended or 'undetermined'}"
        f" (consistent: {', '.join(d.disposition.consistent) or 'none'})"
    )
    out.append("")
    if d.conflicts:
        out += ["## Conflicts in the rules", ""] + [
            f"- {c.conclusion}: {', '.join(c.values)} — "
            + "; ".join(f"{r.value} by rule {r.rule} ({r.cite})" for r in c.rules)
            for c in d.conflicts
        ] + [""]
    if d.defects:
        out += ["## Defects", ""] + [
            f"- {x.text} ({x.cite}; force: {x.force or 'undeclared'})" for x in d.defects
        ] + [""]
    if d.discretion.options or d.discretion.cures:
        out += ["## What the court may do", ""]
        out += [
            f"- {o.text}{f' Date: {o.date}.' if o.date else ''} ({o.cite}; for {o.for_})"
            for o in d.discretion.options
        ]
        out += [
            f"- Cure for {cu.requirement}: {cu.text}{f' By {cu.by}.' if cu.by else ''} ({cu.cite})"
            for cu in d.discretion.cures
        ] + [""]
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
        out += ["## Why", "", *_tree_lines(d.explanation, limit=64), ""]
    return "\n".join(out)


def print_text(d: Decision, *, color: bool | None = None) -> None:
    """A readable, coloured summary for a terminal. Status is carried by a mark and a word as
    well as by colour, so it survives a monochrome terminal or a printout."""
    import click

    def style(text: str, **how: Any) -> str:
        return click.style(text, **how)

    def dim(text: str) -> str:
        return style(text, dim=True)

    def echo(line: str) -> None:
        click.echo(line, color=color)

    tri = {
        True: style("✔ yes", fg="green"),
        False: style("✘ no", fg="red"),
        None: style("? undetermined", fg="yellow"),
    }
    marks = {
        "met": style("✔ met", fg="green"),
        "unmet": style("✘ unmet", fg="red"),
        "unknown": style("? unknown", fg="yellow"),
        "excused": style("- excused", fg="cyan"),
    }
    overlays = f" + {', '.join(d.rule.overlays)}" if d.rule.overlays else ""
    echo(
        f"{style(d.case or 'Case', bold=True)} — {d.rule.pack} {d.rule.version}{overlays} "
        f"(as of {d.as_of})"
    )
    echo(
        f"governed: {tri[d.governs]}   route: {style(d.route or '?', bold=True)}   "
        f"ready for hearing: {tri[d.ready_for_hearing]}"
    )
    echo(
        f"disposition: {style(d.disposition.recommended or '?', bold=True)}  "
        f"(consistent: {', '.join(d.disposition.consistent) or '—'})"
    )
    if d.readiness:
        echo(f"why: {d.readiness.text} {dim(f'({d.readiness.cite})')}")
    width = max((len(r.id) for r in d.requirements), default=0)
    for r in d.requirements:
        mark = marks[r.status]
        pad = " " * (10 - len(click.unstyle(mark)))
        echo(f"  {r.id.ljust(width)}  {mark}{pad}{dim(r.cite)}")
    for x in d.defects:
        force = f"; {x.force}" if x.force else ""
        echo(f"{style('defect', fg='red')} {x.text} {dim(f'({x.cite}{force})')}")
    for o in d.discretion.options:
        when = f" [{o.date}]" if o.date else ""
        echo(f"{style('court may', fg='cyan')} {o.text}{when} {dim(f'({o.cite}; {o.for_})')}")
    for cure in d.discretion.cures:
        by = f" [by {cure.by}]" if cure.by else ""
        echo(
            f"{style('cure', fg='cyan')} {cure.requirement}: {cure.text}{by} "
            f"{dim(f'({cure.cite})')}"
        )
    for e in d.exceptions:
        echo(f"exception {e.id}: {tri[e.applies]} {dim(f'({e.cite})')} {e.because or ''}")
    for dl in d.deadlines:
        how = f"{dl.days} {dl.unit.replace('_', ' ')} {dl.direction} {dl.counted_from}"
        echo(f"deadline {dl.id}: {dl.date or '—'} [{dl.status}] {dim(f'({dl.cite}; {how})')}")
    for sn in d.sanctions:
        echo(f"{style('exposure', fg='magenta')} {sn.against}: {sn.text} {dim(f'({sn.cite})')}")
    for st in d.next_steps:
        echo(f"{style('next', bold=True)} {st.who}: {st.action} {dim(f'({st.cite})')}")
    for a in d.assumed:
        some = "" if a.in_every_completion else " (in some completions)"
        echo(dim(f"assumed {a.id} on {a.fact} ({a.cite}){some}"))
    for c in d.conflicts:
        how = "; ".join(f"{r.value} by rule {r.rule} ({r.cite})" for r in c.rules)
        echo(f"{style('conflict', fg='red', bold=True)} {c.conclusion}: {how}")
    for u in d.undetermined:
        echo(
            f"{style('undetermined', fg='yellow')} {u.conclusion}: depends on "
            f"{', '.join(u.depends_on) or '—'}"
        )
