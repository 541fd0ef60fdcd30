"""Turn a case into solver assumptions over the pack's declared inputs.

Case data never becomes ASP text: every fact is a solver literal looked up once per grounded
program, so no field of a case file can add a rule. A known fact is assumed true or false; an
unknown one is left open and marked unknown. The reading of a case is compiled once per
program (:class:`FactPlan`): each parent object is read once per case, each deadline measured
once, and each field's assumptions memoized by value.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import clingo
from pydantic import BaseModel

from .casefile import Case
from .deadlines import Measured, Status, due_date, implied_anchor, is_count, judge
from .paths import resolve_parts
from .program import DeadlineDecl, InputDecl, Program


@dataclass(frozen=True)
class CaseFacts:
    assumptions: list[int]
    known: dict[InputDecl, bool]  # the value of every known input
    deadlines: dict[str, Measured]


Lits = tuple[tuple[int, int], tuple[int, int], int]  # (if true, if false, if unknown)


def _lits(program: Program, term: clingo.Symbol) -> Lits:
    lit, unk = program.value_literal[term], program.unknown_literal[term]
    return (-unk, lit), (-unk, -lit), unk


# Memos, each bounded (cleared when full) so that a batch runs in constant memory: due dates by
# (count, anchor date), measured deadlines by (plan, deadline, due date, status), and each
# field's assumptions by value.
_SERIALS = itertools.count()  # programs and plans, numbered (unlike id(), never reused)
_DUES: dict[tuple[int, str, str, bool, date], date] = {}
_MEASURED: dict[tuple[int, str, date | None, Status], Measured] = {}
_MEMO_MAX = 8192
_FIELD_MEMO_MAX = 256


_BOOL, _PRESENT, _VALUE, _MEMBER, _OTHER, _OVER = range(6)
_FIELDKINDS = {
    "bool": _BOOL,
    "present": _PRESENT,
    "value": _VALUE,
    "member": _MEMBER,
    "other": _OTHER,
    "over": _OVER,
}


# A field of a parent object: (name, kind, its inputs, the declared members (a member field),
# its assumptions by value).
_Field = tuple[str, int, list[tuple[Any, Lits]], frozenset[str], dict[Any, tuple[int, ...]]]


class FactPlan:
    """A case's facts read by a plan compiled once per program: the assumptions, with the
    fields grouped under their parent (each parent read once per case) and the literals of
    every outcome prepared."""

    def __init__(self, program: Program) -> None:
        declared: dict[str, set[str]] = {}
        for d in program.inputs:
            if d.kind == "member":
                declared.setdefault(d.path, set()).add(str(d.value))
        # parent path -> (field, kind) -> [(value, literals)]
        parents: dict[tuple[str, ...], dict[tuple[str, int], list[tuple[Any, Lits]]]] = {}
        # the assumptions of each measured deadline, by its status (met: timely, missed: not,
        # unknown: unknown; as Measured.timely reads it)
        self.timely: list[tuple[str, dict[str, tuple[int, ...]]]] = []
        for d in program.inputs:
            if d.kind == "timely":
                yes, no, unknown = _lits(program, d.term)
                self.timely.append(
                    (str(d.value), {"met": yes, "missed": no, "unknown": (unknown,)})
                )
                continue
            *parent, name = d.path.split(".")
            fields = parents.setdefault(tuple(parent), {})
            entries = fields.setdefault((name, _FIELDKINDS[d.kind]), [])
            entries.append((d.value, _lits(program, d.term)))
        # parent path -> [(field, kind, inputs, declared members, assumptions by value)]
        self.parents: list[tuple[tuple[str, ...], list[_Field]]] = [
            (
                parent,
                [
                    (
                        name,
                        kind,
                        entries,
                        frozenset(declared.get(".".join((*parent, name)), ())),
                        {},
                    )
                    for (name, kind), entries in fields.items()
                ],
            )
            for parent, fields in parents.items()
        ]
        on = program.defaults_on_literal
        self.defaults_lit = {True: on, False: -on}
        # the literal assumed of each input (and deadline) left unknown: counted by unknowns()
        self.unknown_lits = frozenset(
            program.unknown_literal[d.term] for d in program.inputs
        )
        self.serial = next(_SERIALS)
        # each deadline: where its dates are, and how its due date is counted
        self.deadlines: list[
            tuple[
                str,
                DeadlineDecl,
                tuple[str, ...],
                tuple[str, ...],
                tuple[str, ...] | None,
                tuple[int, str, str, bool],
            ]
        ] = [
            (
                did,
                decl,
                tuple(decl.anchor.split(".")),
                tuple(decl.event.split(".")),
                tuple(decl.interval.split(".")) if decl.interval else None,
                (decl.days, decl.unit, decl.direction, decl.rolls_forward),
            )
            for did, decl in program.deadlines.items()
        ]

    def measure(self, case: Case) -> dict[str, Measured]:
        """:func:`deadlines.measure` of every deadline (tests check they agree), with the due
        date of each anchor date (given, or implied by the event date and the day count)
        counted once."""
        out: dict[str, Measured] = {}
        serial = self.serial
        for did, decl, anchor_at, event_at, interval_at, counted in self.deadlines:
            # read only what decides: with both dates the count is not read; without the
            # anchor's date, the event's only when a count could imply the anchor from it
            anchor = resolve_parts(case, anchor_at)
            event: Any = None
            interval: Any = None
            if isinstance(anchor, date):
                event = resolve_parts(case, event_at)
                if interval_at is not None and not isinstance(event, date):
                    interval = resolve_parts(case, interval_at)
            else:
                anchor = None
                if interval_at is not None:
                    interval = resolve_parts(case, interval_at)
                    if is_count(interval):
                        event = resolve_parts(case, event_at)
                        if isinstance(event, date):
                            anchor = implied_anchor(decl, event, interval)
            due: date | None = None
            if anchor is not None:
                due = _DUES.get((*counted, anchor))
                if due is None:
                    if len(_DUES) >= _MEMO_MAX:
                        _DUES.clear()
                    due = _DUES[(*counted, anchor)] = due_date(decl, anchor)
            status = judge(decl, anchor, due, event, interval)
            m = _MEASURED.get((serial, did, due, status))
            if m is None:
                if len(_MEASURED) >= _MEMO_MAX:
                    _MEASURED.clear()
                m = _MEASURED[(serial, did, due, status)] = Measured(decl, due, status)
            out[did] = m
        return out

    def unknowns(self, assumptions: list[int]) -> int:
        """The inputs (and deadlines) that the assumptions leave unknown."""
        return len(self.unknown_lits.intersection(assumptions))

    def assumptions(self, case: Case, deadlines: dict[str, Measured], defaults: bool) -> list[int]:
        out: list[int] = []
        extend = out.extend
        for did, by_status in self.timely:
            extend(by_status[deadlines[did].status])
        for parent_path, fields in self.parents:
            parent: Any = resolve_parts(case, parent_path) if parent_path else case
            values = parent.__dict__ if isinstance(parent, BaseModel) else {}
            for name, kind, entries, declared, memo in fields:
                raw = values.get(name)
                if kind == _PRESENT:
                    if raw is not None:
                        raw = True
                    elif name in parent.model_fields_set:
                        raw = False  # written as null: stated absent
                lits = memo.get(raw)
                if lits is None:
                    if len(memo) >= _FIELD_MEMO_MAX:
                        memo.clear()
                    lits = memo[raw] = _field_literals(kind, entries, declared, raw)
                extend(lits)
        out.append(self.defaults_lit[defaults])
        return out


def _field_literals(
    kind: int, entries: list[tuple[Any, Lits]], declared: frozenset[str], raw: Any
) -> tuple[int, ...]:
    """The assumptions for one field's value (``None``: unknown)."""
    out: list[int] = []
    for value, (yes, no, unknown) in entries:
        if raw is None:
            out.append(unknown)
            continue
        if kind in (_BOOL, _PRESENT):
            holds = bool(raw)
        elif kind == _VALUE:
            holds = raw == value
        elif kind == _MEMBER:
            holds = value in raw
        elif kind == _OTHER:
            holds = any(m not in declared for m in raw)
        else:  # over
            holds = raw > value
        out.extend(yes if holds else no)
    return tuple(out)


def plan_for(program: Program) -> FactPlan:
    """The fact plan of a program, compiled once."""
    return program.derived("facts.plan", FactPlan)


def case_facts(program: Program, case: Case, *, defaults: bool = True) -> CaseFacts:
    plan = plan_for(program)
    deadlines = plan.measure(case)
    assumptions = plan.assumptions(case, deadlines, defaults)
    assumed = set(assumptions)
    known = {
        d: program.value_literal[d.term] in assumed
        for d in program.inputs
        if -program.unknown_literal[d.term] in assumed
    }
    return CaseFacts(assumptions, known, deadlines)
