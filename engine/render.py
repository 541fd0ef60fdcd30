"""Render a decision for people: text on a terminal (coloured where wanted), or Markdown for
memos; both in the pack's words, in the same sections."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

import click
import clingo

from .decision import Assumed, Cure, Deadline, Decision, Option, Undetermined
from .errors import printable
from .wording import Wording, humanize, wording_for


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


# --- the decision in words ---------------------------------------------------------------
#
# Text and Markdown print the same sections, built once (:func:`sections`): the outcome; the
# requirements; what is missing and what the court may do; the deadlines with their dates;
# the exposure; the next steps in the order they are taken; what was presumed; what is
# undetermined; conflicts in the rules. Every item is in the pack's words (engine/wording.py);
# internal ids only with ``verbose``.

Status = Literal["yes", "no", "unknown", "excused"]

# The marks a status is shown by, besides its word; the ASCII ones where the output's
# encoding cannot carry the others.
UNICODE_MARKS: dict[str, str] = {
    "yes": "\u2714", "no": "\u2718", "unknown": "?", "excused": "\u2013"
}
ASCII_MARKS: dict[str, str] = {"yes": "[ok]", "no": "[no]", "unknown": "[?]", "excused": "[-]"}
_COLORS: dict[str, str] = {"yes": "green", "no": "red", "unknown": "yellow", "excused": "cyan"}
# What the ASCII output writes for the punctuation the texts and the tree may hold.
_ASCII_PUNCTUATION = str.maketrans(
    {"\u2014": "-", "\u2013": "-", "\u2026": "...", "\u2018": "'", "\u2019": "'",
     "\u201c": '"', "\u201d": '"', "\u2714": "[ok]", "\u2718": "[no]", "\u00a7": "S.",
     "\u00a0": " "}
)

_TRI_WORD = {True: "yes", False: "no", None: "undetermined"}
_TRI_STATUS: dict[bool | None, Status] = {True: "yes", False: "no", None: "unknown"}
_REQUIREMENT: dict[str, tuple[Status, str]] = {
    "met": ("yes", "met"),
    "unmet": ("no", "not met"),
    "unknown": ("unknown", "unknown"),
    "excused": ("excused", "excused"),
}
_DEADLINE: dict[str, tuple[Status, str]] = {
    "met": ("yes", "met"), "missed": ("no", "missed"), "unknown": ("unknown", "unknown")
}
# What a consequence does, in words, where the pack does not word it (text(force(F), ...)).
_FORCE_WORDS = {
    "bar": "This bars the hearing until it is met.",
    "order": "Only a change of the court's order lifts it.",
    "discretion": "The court may act on it; it does not bar the hearing.",
    "mandatory": "The court must act on it.",
    "calendar": "This moves the hearing date; it does not bar the hearing.",
}
_SANCTION_FORCE = {"discretion": "in the court's discretion", "mandatory": "mandatory"}
# requirements first that are not met, then open, met, excused
_REQUIREMENT_ORDER = {"unmet": 0, "unknown": 1, "met": 2, "excused": 3}


@dataclass
class Row:
    """One item of a section: its words, and how it stands."""

    text: str
    status: Status | None = None  # shown by a mark and ``label``
    label: str = ""
    key: str = ""  # a field row: "Route: ..."
    cite: str = ""
    note: str = ""  # e.g. "presumed", in parentheses after the text
    ident: str = ""  # the internal id, shown only when verbose
    number: int | None = None  # a numbered list
    depth: int = 0


@dataclass
class Block:
    rows: list[Row]
    title: str = ""  # a heading inside the section ("The court may:")
    table: tuple[str, str, str] | None = None  # Markdown: a table (text, status, cite)


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:" else text + "."


def _unstop(text: str) -> str:
    """A sentence without its full stop, to go on ("...: depends on ...")."""
    return text.rstrip().removesuffix(".")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """A sentence's first word in lower case, to continue another ("Whether the ..."), unless
    it is an abbreviation or a name (``L.R.``, ``FRCP``, ``Joint Statement``)."""
    words = text.split(" ", 2)
    head = words[0]
    if len(head) > 1 and (head[1:2].isupper() or "." in head):
        return text
    if len(words) > 1 and words[1][:1].isupper():  # a name: "Joint Statement re ..."
        return text
    return text[:1].lower() + text[1:]


def _field(path: str, verbose: bool) -> str:
    """A case-file field as the output names it: the decision names a date measured against a
    deadline ``<field> (<deadline id>)``; the deadline's id is shown only verbose."""
    return path if verbose else re.sub(r" \([a-z0-9_]+\)$", "", path)


def _depends(paths: list[str], verbose: bool = False) -> str:
    fields = list(dict.fromkeys(_field(p, verbose) for p in paths))
    return f"depends on {', '.join(fields)}" if fields else "depends on facts not given"


def _who(w: Wording, who: str) -> str:
    return _cap(w.words(who))


def _route_words(w: Wording, route: str) -> str:
    return _cap(w.words(f"route({route})"))


def _disposition_words(w: Wording, disposition: str) -> str:
    return _sentence(_cap(w.words(f"disposition({disposition})", disposition)))


def _requirement_words(w: Wording, requirement: str) -> str:
    return _cap(w.words(f"requirement({requirement})"))


def _defect_label(w: Wording, defect: str) -> str:
    requirement = w.requirement_of(defect)
    if requirement is not None and w.get(f"requirement({requirement})"):
        return _requirement_words(w, requirement)
    worded = w.get(defect)  # a ground the pack words (not a requirement's defect)
    return _unstop(worded) if worded else humanize(defect)


def _parse(term: str) -> tuple[str, list[str]]:
    """A conclusion's name and arguments (``sanction(a,b)`` -> ``sanction``, [a, b])."""
    try:
        sym = clingo.parse_term(term)
    except (RuntimeError, ValueError):
        return term, []
    if sym.type != clingo.SymbolType.Function:
        return term, []
    return sym.name, [a.string if a.type == clingo.SymbolType.String else str(a)
                      for a in sym.arguments]


def _conclusion_words(w: Wording, conclusion: str) -> str:
    """An undetermined (or conflicting) conclusion in words."""
    if conclusion == "governs":
        return "Whether the rule governs the motion"
    if conclusion == "ready_for_hearing":
        return "Whether the motion may be heard"
    if conclusion.startswith("requirement "):
        requirement = conclusion.removeprefix("requirement ")
        return f"Whether this requirement is met: {_lower(_requirement_words(w, requirement))}"
    name, args = _parse(conclusion)
    if name == "route" and len(args) == 1:
        return f"Whether the route is: {_lower(_route_words(w, args[0]))}"
    if name == "exception" and len(args) == 1:
        return f"Whether this exception applies: {_lower(_exception_name(w, args[0]))}"
    if name == "sanction" and len(args) == 2:
        return f"Exposure of {w.words(args[0])}: {w.words(args[1])}"
    if name == "option" and len(args) == 3:
        answers = f" (for: {_unstop(w.words(args[1]))})" if w.get(args[1]) else ""
        return f"A further option of the court: {_unstop(w.words(args[0]))}{answers}"
    if name == "cure" and len(args) == 3:
        return (f"A cure that may be needed ({_lower(_requirement_words(w, args[0]))}): "
                f"{_unstop(w.words(args[1]))}")
    if name == "next_step" and len(args) == 2:
        return f"{_who(w, args[0])}: {w.words(args[1])}"
    if name in ("recommended", "consistent") and len(args) == 1:
        return f"Whether the disposition is: {_lower(_disposition_words(w, args[0]))}"
    if name == "readiness" and len(args) == 1:
        return w.words(args[0])
    if name == "defect" and len(args) == 1:
        return f"Whether this defect stands: {_lower(_unstop(w.words(args[0])))}"
    if name == "deadline_applies" and len(args) == 1:
        clause = w.get(f"deadline({args[0]})") or humanize(args[0])
        clause = clause.replace("{days}", "the set number of days")
        return f"Whether this deadline applies: {_lower(_unstop(clause))}"
    return _cap(humanize(conclusion))


def conclusion_words(w: Wording, conclusion: str) -> str:
    """A conclusion a decision leaves undetermined (``undetermined[].conclusion``), or an
    output atom (``defect(D)``, ``deadline_applies(D)``, ...), in the pack's words."""
    return _conclusion_words(w, conclusion)


def _exception_name(w: Wording, exception: str) -> str:
    return _cap(w.get(f"exception({exception})") or humanize(exception))


def _reason(w: Wording, because: str | None) -> str:
    """One reason where the decision joins several (an exception that fails on two grounds
    says each): the first of the pack's texts it holds, in the order it holds them."""
    if not because:
        return ""
    found = sorted(
        (because.find(t), t) for t in set(w.texts.values()) if len(t) > 8 and t in because
    )
    return found[0][1] if len(found) > 1 and found[0][0] == 0 else because


def _walk(tree: dict[str, Any] | None) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every node of a justification tree with its ancestors, nearest last."""
    if not tree:
        return []
    out: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    stack: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [(tree, [])]
    while stack:
        node, above = stack.pop()
        out.append((node, above))
        stack.extend((child, [*above, node]) for child in reversed(node.get("because", [])))
    return out


def _requirement_presumptions(tree: dict[str, Any] | None) -> dict[str, set[str]]:
    """The presumptions each requirement's status rests on, as far as the decision's
    justification tree shows it: a presumed node under ``met(Q)`` or ``excused(Q)`` (not one
    under ``req(Q)``, which says whether Q applies at all)."""
    uses: dict[str, set[str]] = {}
    for node, above in _walk(tree):
        presumed = node.get("presumed")
        if not presumed:
            continue
        for ancestor in reversed([*above, node]):
            name, args = _parse(str(ancestor.get("term", "")))
            if name == "req":
                break
            if name in ("met", "excused") and len(args) == 1:
                uses.setdefault(args[0], set()).add(str(presumed.get("id", "")))
                break
    return uses


def _rests_on_presumption(tree: dict[str, Any] | None) -> bool:
    """Whether the conclusion needs a presumption: a presumed leaf counts; a rule that does not
    apply rests on one only if every premise that fails it does (one failing stated fact is
    enough to defeat a rule); any other node rests on one if any of its grounds does (each is
    needed)."""
    if tree is None:
        return False
    presumed = tree.get("presumed")
    if presumed:
        return bool(presumed.get("in_every_completion", False))
    kids = tree.get("because") or []
    if not kids:
        return False
    conclusion = str(tree.get("conclusion", ""))
    if conclusion.startswith("rule ") and conclusion.endswith(" does not apply"):
        return all(_rests_on_presumption(k) for k in kids)
    return any(_rests_on_presumption(k) for k in kids)


def _days(days: int, unit: str) -> str:
    court = unit == "court_days"
    word = "court day" if court else "day"
    return f"{days} {word}{'' if days == 1 else 's'}"


def _deadline_clause(w: Wording, dl: Deadline) -> str:
    """The clause that sets a deadline, in the pack's words ({days}: its day count)."""
    clause = w.get(f"deadline({dl.id})")
    count = _days(dl.days, dl.unit)
    if clause is None:
        clause = (
            f"{dl.event}: on or {dl.direction} {dl.counted_from}"
            if dl.days == 0
            else f"{dl.event}: {count} {dl.direction} {dl.counted_from}"
        )
    return clause.replace("{days}", count)


def _deadline_row(w: Wording, dl: Deadline, presumed: list[Assumed]) -> Row:
    status, label = _DEADLINE.get(dl.status, ("unknown", dl.status))
    clause = _deadline_clause(w, dl)
    if dl.date is None:
        text = f"{clause}; no date yet: {dl.counted_from} is not given."
    elif dl.days == 0:
        text = f"{clause}, {dl.date}."
    elif dl.direction == "after":
        text = f"{clause}: on or after {dl.date}."
    else:
        text = f"{clause}: by {dl.date}."
    note = ""
    if dl.status == "unknown":
        fills = [a for a in presumed if a.fact == f"{dl.event} ({dl.id})"]
        if fills:
            label = "presumed met"
            some = not all(a.in_every_completion for a in fills)
            note = "in some completions only" if some else ""
        elif dl.date is not None:
            text = text[:-1] + f"; whether it is met turns on {dl.event}, not given."
    return Row(text, status, label, cite=dl.cite, note=note, ident=dl.id)


def sections(d: Decision, w: Wording | None = None, *, verbose: bool = False) -> list[Section]:
    """The decision's sections, each item in words (``w``: the pack's, by default); the
    fields a conclusion depends on named with the deadline they are measured by only
    ``verbose``."""
    w = wording_for(d) if w is None else w
    out = [_outcome(d, w, verbose)]
    if d.conflicts:
        out.append(_conflicts(d, w))
    out += [s for s in (_requirements(d, w), _missing(d, w), _deadlines(d, w),
                        _exposure(d, w), _next_steps(d, w), _presumed(d, w, verbose),
                        _undetermined(d, w, verbose)) if s.blocks]
    if d.determining_sets is not None:  # rulepath decide --ask
        out.append(_determining(d, w))
    return out


def _open(d: Decision, *conclusions: str, prefix: str = "") -> list[str]:
    paths: set[str] = set()
    for u in d.undetermined:
        if u.conclusion in conclusions or (prefix and u.conclusion.startswith(prefix)):
            paths |= set(u.depends_on)
    return sorted(paths)


def _outcome(d: Decision, w: Wording, verbose: bool) -> Section:
    rows = []
    governs = _TRI_WORD[d.governs]
    if d.governs is None:
        governs += f": {_depends(_open(d, 'governs'), verbose)}"
    rows.append(Row(governs, _TRI_STATUS[d.governs], key="Governed by the rule"))
    if d.route is not None:
        rows.append(Row(_sentence(_route_words(w, d.route)), key="Route", ident=d.route))
    elif any(c.conclusion == "route" for c in d.conflicts):
        rows.append(Row("in conflict: the rules draw more than one (see Conflicts).", "no",
                        key="Route"))
    else:
        depends = _depends(_open(d, prefix="route("), verbose)
        rows.append(Row(f"undetermined: {depends}.", "unknown", key="Route"))
    ready = _TRI_WORD[d.ready_for_hearing]
    cite = ""
    if d.readiness is not None:
        ready += f". {_sentence(d.readiness.text)}"
        cite = d.readiness.cite
    elif d.ready_for_hearing is None:
        ready += f": {_depends(_open(d, 'ready_for_hearing'), verbose)}."
    note = "rests on presumptions: see Presumed" if _rests_on_presumption(d.explanation) else ""
    rows.append(
        Row(ready, _TRI_STATUS[d.ready_for_hearing], key="Ready for hearing", cite=cite,
            note=note, ident=d.readiness.basis if d.readiness else "")
    )
    recommended = d.disposition.recommended
    if recommended is not None:
        rows.append(Row(_disposition_words(w, recommended), key="Recommended disposition",
                        ident=recommended))
    elif any(c.conclusion == "recommended" for c in d.conflicts):
        rows.append(Row("in conflict: the rules draw more than one (see Conflicts).", "no",
                        key="Recommended disposition"))
    else:
        if d.ready_for_hearing is None:
            why = "it turns on whether the motion may be heard"
        elif d.conflicts:
            why = "the rules conflict (see Conflicts)"
        else:
            why = "it turns on facts the case file does not give (see Undetermined)"
        rows.append(Row(f"undetermined: {why}.", "unknown", key="Recommended disposition"))
    others = [x for x in d.disposition.consistent if x != recommended]
    if others:
        label = "Also open to the court" if recommended else "Consistent with the rule"
        rows += [
            Row(_disposition_words(w, x), key=label if i == 0 else "", ident=x)
            for i, x in enumerate(others)
        ]
    elif recommended is None:
        rows.append(Row("none in every completion of the unknown facts.",
                        key="Consistent with the rule"))
    return Section("Outcome", [Block(rows)])


def _requirements(d: Decision, w: Wording) -> Section:
    uses = _requirement_presumptions(d.explanation)
    some = {a.id for a in d.assumed if not a.in_every_completion}
    rows = []
    for r in sorted(d.requirements, key=lambda r: _REQUIREMENT_ORDER.get(r.status, 9)):
        status, label = _REQUIREMENT.get(r.status, ("unknown", r.status))
        ids = uses.get(r.id, set())
        note = ("presumed in some completions" if ids <= some else "presumed") if ids else ""
        rows.append(Row(_requirement_words(w, r.id), status, label, cite=r.cite, note=note,
                        ident=r.id))
    blocks = [Block(rows, table=("Requirement", "Status", "Cite"))] if rows else []
    exceptions = []
    for e in d.exceptions:
        label = {True: "applies", False: "does not apply", None: "undetermined"}[e.applies]
        reason = _reason(w, e.because)
        text = _exception_name(w, e.id) + (f": {reason}" if reason else "")
        exceptions.append(Row(_sentence(text), _TRI_STATUS[e.applies], label, cite=e.cite,
                              ident=e.id))
    if exceptions:
        blocks.append(Block(exceptions, title="Exceptions"))
    return Section("Requirements", blocks)


def _missing(d: Decision, w: Wording) -> Section:
    """Each defect with what it does and what cures it; then the court's options, each once
    (with the defects it answers where it does not answer them all)."""
    cures: dict[str, list[Cure]] = {}
    loose = []
    defect_ids = [x.id for x in d.defects]
    for c in d.discretion.cures:
        defect = w.defect_of.get(c.requirement)
        if defect in defect_ids:
            cures.setdefault(str(defect), []).append(c)
        else:
            loose.append(c)

    after = {x.id for x in d.deadlines if x.direction == "after"}

    def cure_row(c: Cure, depth: int) -> Row:
        # a date counted "after" (a notice period) is the first proper one, not a last day
        when = f" First proper date: {c.by}." if c.deadline in after else f" By {c.by}."
        text = _sentence(c.text) + (when if c.by else "")
        return Row(f"To cure: {text}" if depth else text, cite=c.cite, ident=c.action,
                   depth=depth)

    rows = []
    for x in d.defects:
        force = w.get(f"force({x.force})") or _FORCE_WORDS.get(x.force or "", "")
        text = _sentence(x.text) + (f" {_sentence(force)}" if force else "")
        rows.append(Row(text, "no", cite=x.cite, ident=x.id))
        rows += [cure_row(c, 1) for c in cures.get(x.id, [])]
    blocks = [Block(rows)] if rows else []
    if loose:
        blocks.append(Block([cure_row(c, 0) for c in loose], title="To cure"))
    texts = {x.id: _unstop(x.text) for x in d.defects}
    grouped: dict[tuple[str, str, str | None], list[Option]] = {}
    for o in d.discretion.options:
        grouped.setdefault((o.option, o.text, o.date), []).append(o)
    options = []
    for (option, text, when), same in grouped.items():
        answers = list(dict.fromkeys(o.for_ for o in same))
        line = _sentence(text) + (f" First proper date: {when}." if when else "")
        every = set(answers) == set(defect_ids)
        note = "" if every else "for: " + "; ".join(
            texts.get(a) or _defect_label(w, a) for a in answers
        )
        cites = "; ".join(dict.fromkeys(o.cite for o in same))
        options.append(Row(line, cite=cites, note=note, ident=option))
    if options:
        blocks.append(Block(options, title="The court may"))
    return Section("What is missing and what the court may do", blocks)


def _deadlines(d: Decision, w: Wording) -> Section:
    ordered = sorted(d.deadlines, key=lambda x: (x.date is None, x.date or "", x.id))
    rows = [_deadline_row(w, x, d.assumed) for x in ordered]
    return Section("Deadlines", [Block(rows, table=("Deadline", "Status", "Cite"))] if rows
                   else [])


def _exposure(d: Decision, w: Wording) -> Section:
    rows = []
    for s in d.sanctions:
        how = _SANCTION_FORCE.get(s.force or ("discretion" if s.discretionary else ""), "")
        rows.append(Row(_sentence(s.text), key=_who(w, s.against), cite=s.cite, note=how,
                        ident=s.ground))
    return Section("Exposure", [Block(rows)] if rows else [])


def _next_steps(d: Decision, w: Wording) -> Section:
    last = max(w.step_order.values(), default=0) + 1
    ordered = sorted(
        enumerate(d.next_steps), key=lambda pair: (w.step_order.get(pair[1].id, last), pair[0])
    )
    rows = [
        Row(_sentence(s.action), key=_who(w, s.who), cite=s.cite, ident=s.id, number=n)
        for n, (_, s) in enumerate(ordered, 1)
    ]
    return Section("Next steps", [Block(rows)] if rows else [])


def _presumed(d: Decision, w: Wording, verbose: bool) -> Section:
    used: dict[str, list[str]] = {}
    for requirement, ids in sorted(_requirement_presumptions(d.explanation).items()):
        for i in ids:
            used.setdefault(i, []).append(_requirement_words(w, requirement))
    for dl in d.deadlines:
        for a in d.assumed:
            if dl.status == "unknown" and a.fact == f"{dl.event} ({dl.id})":
                used.setdefault(a.id, []).append(_deadline_clause(w, dl))
    merged: dict[str, list[Assumed]] = {}  # presumptions worded alike (one per value) as one
    for a in d.assumed:
        text = f"{_sentence(_cap(w.words(f'default({a.id})')))} Fills: {_field(a.fact, verbose)}."
        merged.setdefault(text, []).append(a)
    rows = []
    for text, same in merged.items():
        uses = list(dict.fromkeys(u for a in same for u in used.get(a.id, [])))
        if uses:
            text += f" Used for: {'; '.join(uses)}."
        some = not any(a.in_every_completion for a in same)
        rows.append(Row(text, cite="; ".join(dict.fromkeys(a.cite for a in same)),
                        ident=", ".join(a.id for a in same),
                        note="in some completions only" if some else ""))
    return Section("Presumed", [Block(rows)] if rows else [])


def _undetermined(d: Decision, w: Wording, verbose: bool) -> Section:
    merged: dict[str, list[Undetermined]] = {}  # conclusions worded alike (verbose tells them)
    for u in d.undetermined:
        words = _unstop(_conclusion_words(w, u.conclusion))
        merged.setdefault(u.conclusion if verbose else words, []).append(u)
    rows = []
    for same in merged.values():
        paths = sorted({p for u in same for p in u.depends_on})
        words = _unstop(_conclusion_words(w, same[0].conclusion))
        rows.append(Row(f"{words}: {_depends(paths, verbose)}.", "unknown",
                        ident=", ".join(u.conclusion for u in same)))
    return Section("Undetermined", [Block(rows)] if rows else [])


def _determining(d: Decision, w: Wording) -> Section:
    """``rulepath decide --ask``: for each undetermined conclusion, the smallest sets of facts
    that determine it whatever their values."""
    rows = []
    for entry in d.determining_sets or ():
        words = _unstop(_conclusion_words(w, entry.conclusion))
        if entry.sets:
            each = [f"{s[0]} alone" if len(s) == 1 else f"{' and '.join(s)} together"
                    for s in entry.sets]
            text = f"{words}: decided by {', or by '.join(each)}, whatever the answer."
        elif entry.searched:
            most = min(len(entry.searched), 3)
            text = (f"{words}: no set of up to {most} of the facts it depends on decides it, "
                    f"whatever their values ({', '.join(entry.searched)}).")
        else:
            text = f"{words}: it turns on no fact the case leaves unknown."
        rows.append(Row(text, "unknown", note="" if entry.complete else "search cut short",
                        ident=entry.conclusion))
    if not rows:
        rows.append(Row("Nothing is undetermined."))
    return Section("What would decide it", [Block(rows)])


def _conflicts(d: Decision, w: Wording) -> Section:
    what = {"route": "route", "recommended": "recommended disposition",
            "readiness": "reason for readiness"}

    def value(conclusion: str, v: str) -> str:
        if conclusion == "route":
            return _unstop(_route_words(w, v))
        if conclusion in ("recommended", "consistent"):
            return _unstop(_disposition_words(w, v))
        return _cap(w.words(v))

    blocks = []
    for c in d.conflicts:
        rows = [
            Row(f"{value(c.conclusion, r.value)}: by the rule at {r.cite}.", "no", ident=r.rule)
            for r in c.rules
        ]
        name = what.get(c.conclusion, humanize(c.conclusion))
        blocks.append(Block(rows, title=f"The rules draw more than one {name}"))
    return Section("Conflicts in the rules", blocks)


# --- output ------------------------------------------------------------------------------


def color_wanted(
    stream: IO[str] | None = None,
    forced: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether to colour output to ``stream``: as forced (``--color``/``--no-color``), else
    never when NO_COLOR is set (no-color.org: any non-empty value) or TERM is ``dumb``, else
    only on a terminal."""
    if forced is not None:
        return forced
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def marks_fit(stream: IO[str] | None = None) -> bool:
    """Whether ``stream``'s encoding can carry the status marks (a check mark, a cross, an
    en dash) and the dashes of the texts; if not, the output uses ASCII ones ([ok] [no] [-])."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        ("".join(UNICODE_MARKS.values()) + "\u2014\u2026").encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def fit(text: str, stream: IO[str] | None = None) -> str:
    """``text`` as ``stream``'s encoding can carry it: common punctuation in ASCII, anything
    else still unencodable replaced (never an encoding error)."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    text = text.translate(_ASCII_PUNCTUATION)
    try:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text.encode("ascii", "replace").decode("ascii")


def to_text(
    d: Decision,
    *,
    color: bool = False,
    ascii: bool = False,
    verbose: bool = False,
    wording: Wording | None = None,
) -> str:
    """The decision as text for a terminal: sections of plain-word items, each status shown
    by a mark and a word (so it survives a monochrome terminal or a printout), ANSI colour
    only with ``color``, ASCII marks and punctuation only with ``ascii``."""
    w = wording_for(d) if wording is None else wording
    marks = ASCII_MARKS if ascii else UNICODE_MARKS
    dash = "-" if ascii else "\u2014"

    def style(text: str, **how: Any) -> str:
        return click.style(text, **how) if color and text else text

    overlays = f" with overlays {', '.join(d.rule.overlays)}" if d.rule.overlays else ""
    rule = w.title or d.rule.pack
    head = [
        style(printable(d.case or "Case"), bold=True),
        f"{rule} {dash} version {d.rule.version}{overlays}; as of {d.as_of}"
        + (style(f"  [{d.rule.pack}]", dim=True) if verbose else ""),
    ]
    lines = head
    for section in sections(d, w, verbose=verbose):
        lines += ["", style(section.title.upper(), bold=True)]
        for block in section.blocks:
            lines += _text_block(block, marks, style, verbose)
    text = "\n".join(lines)
    return text.translate(_ASCII_PUNCTUATION) if ascii else text


def _text_block(block: Block, marks: dict[str, str], style: Any, verbose: bool) -> list[str]:
    """A block's rows, aligned: number, key, status (mark and word), then the text, its note,
    cite and (verbose) id."""
    lines = []
    base = 1
    if block.title:
        lines.append("  " + style(f"{block.title}:", bold=True))
        base = 2
    rows = block.rows
    numbers = max((len(f"{r.number}.") for r in rows if r.number is not None), default=0)
    keys = max((len(r.key) + 1 for r in rows if r.key), default=0)
    labels = any(r.label for r in rows if r.status)
    statuses = max(
        (len(f"{marks[r.status]} {r.label}".rstrip()) for r in rows if r.status), default=0
    )
    for r in rows:
        parts = []
        if numbers:
            parts.append(f"{r.number}.".rjust(numbers) if r.number is not None else " " * numbers)
        if keys:
            parts.append(f"{r.key}:".ljust(keys) if r.key else " " * keys)
        if statuses and not r.depth:
            if r.status:
                shown = f"{marks[r.status]} {r.label}".rstrip()
                parts.append(style(shown, fg=_COLORS[r.status]) + " " * (statuses - len(shown)))
            elif not keys:  # a field row without a status starts where the marks do
                parts.append(" " * statuses)
            if labels and (r.status or not keys):
                parts[-1] += " "
        parts.append(r.text)
        if r.note:
            parts.append(style(f"({r.note})", fg="yellow"))
        if r.cite:
            parts.append(style(f"({r.cite})", dim=True))
        if verbose and r.ident:
            parts.append(style(f"[{r.ident}]", dim=True))
        lines.append("  " * (base + r.depth) + " ".join(parts))
    return lines


def print_text(
    d: Decision,
    *,
    color: bool | None = None,
    verbose: bool = False,
    file: IO[str] | None = None,
    wording: Wording | None = None,
) -> None:
    """Print :func:`to_text` to ``file`` (stdout): coloured as ``color`` forces, else as
    :func:`color_wanted` finds (NO_COLOR, TERM=dumb, a terminal); ASCII marks where the
    stream's encoding cannot carry the others (e.g. PYTHONIOENCODING=cp1252)."""
    stream = sys.stdout if file is None else file
    use_color = color_wanted(stream, color)
    text = to_text(d, color=use_color, ascii=not marks_fit(stream), verbose=verbose,
                   wording=wording)
    click.echo(fit(text, stream), file=stream, color=use_color)


def print_tree(tree: dict[str, Any], *, limit: int = 64, file: IO[str] | None = None) -> None:
    """Print a justification tree (``rulepath explain``) as :func:`_tree_lines` does, fitted
    to the stream's encoding (no encoding error on a cp1252 or ASCII console)."""
    stream = sys.stdout if file is None else file
    click.echo(fit("\n".join(_tree_lines(tree, limit=limit)), stream), file=stream)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(d: Decision, *, verbose: bool = False, wording: Wording | None = None) -> str:
    """The decision as Markdown for a memo: the same sections as the text output, then the
    justification tree (in the rules' own terms) under "Why"."""
    w = wording_for(d) if wording is None else wording
    overlays = f" with overlays {', '.join(d.rule.overlays)}" if d.rule.overlays else ""
    out = [
        f"# {_md(printable(d.case or 'Case'))}",
        "",
        f"{w.title or d.rule.pack}, version {d.rule.version}{overlays}; as of {d.as_of}."
        + (f" Pack `{d.rule.pack}`." if verbose else ""),
        "",
    ]
    for section in sections(d, w, verbose=verbose):
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            out += _md_block(block, verbose)
    if d.explanation:
        out += ["## Why", "", "The justification, in the rules' own terms:", "",
                *_tree_lines(d.explanation, limit=64), ""]
    return "\n".join(out)


def _md_block(block: Block, verbose: bool) -> list[str]:
    out = []
    if block.title:
        out += [f"**{block.title}:**", ""]

    def ident(r: Row) -> str:
        return f" `{r.ident}`" if verbose and r.ident else ""

    if block.table:
        first, second, third = block.table
        out += [f"| {first} | {second} | {third} |", "| --- | --- | --- |"]
        for r in block.rows:
            note = f" ({r.note})" if r.note else ""
            out.append(f"| {_md(r.text)}{note}{ident(r)} | {r.label} | {_md(r.cite)} |")
        return [*out, ""]
    keyed = any(r.key for r in block.rows)
    rows = block.rows
    for n, r in enumerate(rows):
        text = _md(r.text)
        if r.status and r.label:
            text = f"**{_cap(r.label)}:** {text}"
        note = f" ({r.note})" if r.note else ""
        cite = f" ({_md(r.cite)})" if r.cite else ""
        bullet = f"{r.number}." if r.number is not None else "-"
        item = f"{text}{note}{cite}{ident(r)}"
        more = n + 1 < len(rows) and not rows[n + 1].key and rows[n + 1].number is None
        if keyed and r.key and more:  # a field with several values: one item under it each
            out += [f"{bullet} **{r.key}:**", f"  - {item}"]
        elif keyed and not r.key and r.number is None:
            out.append(f"  - {item}")
        else:
            key = f"**{r.key}:** " if r.key else ""
            out.append(f"{'  ' * r.depth}{bullet} {key}{item}")
    return [*out, ""]
