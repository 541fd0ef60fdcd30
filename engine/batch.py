"""Decide many cases at solver speed: the hot path behind ``rulepath batch``.

The output of :meth:`BatchDecider.decide` is exactly ``decide(case, explain=False).to_dict(
explanation=False)`` (tests/test_batch.py checks this on random populations); only the way to
it is shorter:

* **One solve for a determined case.** Each (version, overlays) gets a second grounding of the
  pack, a *batch variant*: show.lp's ``#show`` statements are left out and the program shows
  and projects (``--project=project``) only ``batch_out/1``, the atoms the decoder reads. One
  solve under the case's assumptions then enumerates at most two models: one projected model
  means every conclusion the decision reports holds in every completion of the unknown facts
  (cautious = brave on what is read), so the second solve is not needed. Two models fall back
  to the cautious and brave solves on the shared program (:func:`program.program_for`).
* **Symbols are converted once.** Shown atoms are mapped to plain strings through tables built
  when the program is grounded; decoding works on Python sets and strings, not on clingo
  symbols (every attribute of a clingo symbol is a call into C).
* **The case's facts are read by a compiled plan** per program: each field path is resolved
  once per case, each deadline measured once (due dates memoized by anchor date).
* **A determined decision is assembled from a template** kept per distinct model (bounded):
  only the caption, the date and the deadline dates are the case's own.
* Batches go in chunks (decided grouped by program, written in input order) to worker
  processes, at most a few chunks in flight: memory stays constant.

No legal condition is written here: the decoder is the generic reading of show.lp's vocabulary
that :mod:`decode` does (tests/test_batch.py keeps the two equal: a change to decode.py must be
made in ``_decode`` too), and the batch part below only names that vocabulary.
"""

from __future__ import annotations

import gc
import itertools
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing.pool import AsyncResult
from typing import Any

import clingo
from clingo import ast
from pydantic import BaseModel

from . import calendar
from .casefile import Case
from .deadlines import Measured, Status, _by_interval
from .decision import FORMAT_ID
from .errors import CaseError, RulepathError
from .pack import Pack, Version, load_pack
from .program import DeadlineDecl, Program, program_for, program_on, solve_config

ERROR_FORMAT = "rulepath/error-1"

# What the decoder reads of a decision's conclusions (the output vocabulary of show.lp), as
# the atoms of one predicate that the batch variant shows and projects on. A requirement's
# met/1 is read only where the requirement applies; fired/1 only for the conclusions whose
# cite the decision reports, and only where the rules concluding one atom carry different
# cites (the cite reported then depends on which rule fired).
BATCH_PART = """
#show.
#show batch_out/1.
#project batch_out/1.
batch_out(governs) :- holds(governs).
batch_out(ready_for_hearing) :- holds(ready_for_hearing).
batch_out(route(R)) :- holds(route(R)).
batch_out(req(Q)) :- holds(req(Q)).
batch_out(excused(Q)) :- holds(excused(Q)).
batch_out(met(Q)) :- holds(met(Q)), holds(req(Q)).
batch_out(exception(E)) :- holds(exception(E)).
batch_out(exception_fails(E, W)) :- holds(exception_fails(E, W)).
batch_out(sanction(A, G)) :- holds(sanction(A, G)).
batch_out(deadline_applies(D)) :- holds(deadline_applies(D)).
batch_out(consistent(D)) :- holds(consistent(D)).
batch_out(recommended(D)) :- holds(recommended(D)).
batch_out(next_step(W, A)) :- holds(next_step(W, A)).
batch_out(presumed(D)) :- presumed(D).
batch_cited(req(Q)) :- rule(_, req(Q), _).
batch_cited(excused(Q)) :- rule(_, excused(Q), _).
batch_cited(exception(E)) :- rule(_, exception(E), _).
batch_cited(sanction(A, G)) :- rule(_, sanction(A, G), _).
batch_cited(next_step(W, A)) :- rule(_, next_step(W, A), _).
batch_out(fired(R)) :- fired(R), rule(R, H, C), batch_cited(H), rule(_, H, C2), C != C2.
"""

_SHOW = (ast.ASTType.ShowSignature, ast.ASTType.ShowTerm)
_OUT, _FIRED, _IN, _PRESUMED = 0, 1, 2, 3
_KINDS = {"fired": _FIRED, "in": _IN, "presumed": _PRESUMED}


class _Undetermined(Exception):
    """Raised on the one-solve path when a conclusion it must report is not determined."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


# --- symbols as strings ----------------------------------------------------------------------

# A shown atom as (kind, key, name, arguments): the key of a fired/in/presumed atom is its
# argument's text, of an output atom its own text; name and arguments are an output atom's.
Entry = tuple[int, str, str, tuple[str, ...]]
# Shown atoms of the shared programs, converted on first sight. Clingo interns symbols, so one
# table serves every program of the process.
_SYMBOLS: dict[clingo.Symbol, Entry] = {}


def _entry(sym: clingo.Symbol) -> Entry:
    kind = _KINDS.get(sym.name)
    if kind is not None:
        return (kind, str(sym.arguments[0]), "", ())
    return (_OUT, str(sym), sym.name, tuple(str(a) for a in sym.arguments))


class _Sets:
    """One side of a case's consequences (what holds in every completion, or in some)."""

    __slots__ = ("fired", "holds", "names", "out", "presumed")

    def __init__(self) -> None:
        self.out: set[str] = set()  # output atoms (show.lp's vocabulary)
        self.names: dict[str, list[tuple[str, ...]]] = {}  # output atoms' arguments by name
        self.fired: set[str] = set()  # rule ids
        self.presumed: set[str] = set()  # default ids
        self.holds: set[str] = set()  # output atoms, heads of fired rules, inputs that hold

    def add(self, entry: Entry, rule_head: dict[str, str]) -> None:
        kind, key, name, args = entry
        if kind == _OUT:
            self.out.add(key)
            self.holds.add(key)
            group = self.names.get(name)
            if group is None:
                self.names[name] = [args]
            else:
                group.append(args)
        elif kind == _FIRED:
            self.fired.add(key)
            head = rule_head.get(key)
            if head is not None:
                self.holds.add(head)
        elif kind == _IN:
            self.holds.add(key)
        else:
            self.presumed.add(key)


# --- the tables of one program -----------------------------------------------------------


class _Tables:
    """What the decoder needs of a program, as plain strings (read once per program)."""

    def __init__(self, program: Program) -> None:
        cite = program.cite
        text = program.text
        self.rule_head: dict[str, str] = {}
        # head -> [(rule id, cite as reported)] in the program's order: rule_cite reports the
        # first that fired in every completion, else in some, else the first
        self.rules_for: dict[str, list[tuple[str, str]]] = {}
        self.premises_for: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for head, decls in program.rules_by_head.items():
            h = str(head)
            self.rules_for[h] = [(str(d.id), cite(d.cite)) for d in decls]
            self.premises_for[h] = [
                (str(d.id), tuple(str(p) for p in (*d.premises, *d.exceptions))) for d in decls
            ]
            for d in decls:
                self.rule_head[str(d.id)] = h
        # heads whose rules all carry one cite: the cite reported does not depend on firing
        self.one_cite = {
            h: rules[0][1] for h, rules in self.rules_for.items() if len({c for _, c in rules}) == 1
        }
        self.input_path: dict[str, str] = {}
        for i in program.inputs:
            if i.kind == "timely":
                dl = program.deadlines[str(i.value)]
                self.input_path[str(i.term)] = f"{dl.event} ({dl.id})"
            else:
                self.input_path[str(i.term)] = i.path
        self.requirements = [
            (
                qid,
                f"req({qid})",
                f"met({qid})",
                f"excused({qid})",
                cite(qcite),
                defect,
                text(defect),
            )
            for qid, (qcite, defect) in sorted(program.requirements.items())
        ]
        self.exceptions = [
            (str(h), h.arguments[0].name, text(h.arguments[0].name))
            for h in sorted(program.rules_by_head, key=str)
            if h.name == "exception" and len(h.arguments) == 1
        ]
        self.assumed: dict[str, tuple[str, str, str]] = {}
        for rid, decl in program.rules.items():
            target = decl.head.arguments[0] if decl.head.name == "neg" else decl.head
            path = self.input_path.get(str(target), str(target))
            self.assumed[str(rid)] = (str(rid), cite(decl.cite), path)
        self.deadlines = {
            did: (dl.id, cite(dl.param_cite), dl.anchor, dl.event, dl.days, dl.unit, dl.direction)
            for did, dl in program.deadlines.items()
        }
        self.texts = dict(program.texts)
        self.pack = program.pack.id
        self.version = program.version.id
        self.overlays = list(program.overlays)

    def text(self, key: str) -> str:
        text = self.texts.get(key)
        return key.replace("_", " ") if text is None else text


# --- case facts ---------------------------------------------------------------------------


def _resolve(case: BaseModel, parts: tuple[str, ...]) -> Any:
    """:func:`paths.resolve` with the path split in advance."""
    node: Any = case
    for part in parts:
        if node is None:
            return None
        node = getattr(node, part, None)
    if node is None and parts[-1] == "filed":
        parent = _resolve(case, parts[:-1])
        if parent is not None and getattr(parent, "filed_on", None) is not None:
            return True
    return node


def _stated_null(case: BaseModel, parts: tuple[str, ...]) -> bool:
    parent = _resolve(case, parts[:-1]) if len(parts) > 1 else case
    last = parts[-1]
    return (
        isinstance(parent, BaseModel)
        and last in parent.model_fields_set
        and getattr(parent, last, None) is None
    )


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


def _due(decl: DeadlineDecl, anchor: date) -> date:
    """The last (or first) permissible day, as :func:`deadlines.measure` counts it."""
    due = calendar.count(anchor, decl.days, decl.unit, decl.direction)
    if decl.rolls_forward:
        while not calendar.is_court_day(due):
            due += timedelta(days=1)
    return due


_BOOL, _PRESENT, _VALUE, _MEMBER, _OTHER, _OVER = range(6)
_FIELD_KINDS = {
    "bool": _BOOL,
    "present": _PRESENT,
    "value": _VALUE,
    "member": _MEMBER,
    "other": _OTHER,
    "over": _OVER,
}


class _Plan:
    """:func:`facts.case_facts` compiled for one program: the same assumptions, with the
    fields grouped under their parent (each parent read once per case) and the literals of
    every outcome prepared."""

    def __init__(self, program: Program) -> None:
        declared: dict[str, set[str]] = {}
        for d in program.inputs:
            if d.kind == "member":
                declared.setdefault(d.path, set()).add(str(d.value))
        # parent path -> (field, kind) -> [(value, literals)]
        parents: dict[tuple[str, ...], dict[tuple[str, int], list[tuple[Any, Lits]]]] = {}
        # the assumptions of each measured deadline, by its timeliness (None: unknown)
        self.timely: list[tuple[str, dict[bool | None, tuple[int, ...]]]] = []
        for d in program.inputs:
            if d.kind == "timely":
                yes, no, unknown = _lits(program, d.term)
                self.timely.append((str(d.value), {True: yes, False: no, None: (unknown,)}))
                continue
            *parent, name = d.path.split(".")
            fields = parents.setdefault(tuple(parent), {})
            entries = fields.setdefault((name, _FIELD_KINDS[d.kind]), [])
            entries.append((d.value, _lits(program, d.term)))
        # parent path -> [(field, kind, inputs, declared members, assumptions by value)]
        self.parents: list[
            tuple[
                tuple[str, ...],
                list[
                    tuple[
                        str, int, list[tuple[Any, Lits]], frozenset[str], dict[Any, tuple[int, ...]]
                    ]
                ],
            ]
        ] = [
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
        date of each anchor date counted once."""
        out: dict[str, Measured] = {}
        serial = self.serial
        for did, decl, anchor_at, event_at, interval_at, counted in self.deadlines:
            anchor = _resolve(case, anchor_at)
            due: date | None = None
            status: Status = "unknown"
            if isinstance(anchor, date):
                due = _DUES.get((*counted, anchor))
                if due is None:
                    if len(_DUES) >= _MEMO_MAX:
                        _DUES.clear()
                    due = _DUES[(*counted, anchor)] = _due(decl, anchor)
                event = _resolve(case, event_at)
                if isinstance(event, date):
                    ok = event >= due if decl.direction == "after" else event <= due
                    status = "met" if ok else "missed"
            if status == "unknown" and interval_at is not None:
                interval = _resolve(case, interval_at)
                if isinstance(interval, int) and not isinstance(interval, bool):
                    status = _by_interval(decl, interval)
            m = _MEASURED.get((serial, did, due, status))
            if m is None:
                if len(_MEASURED) >= _MEMO_MAX:
                    _MEASURED.clear()
                m = _MEASURED[(serial, did, due, status)] = Measured(decl, due, status)
            out[did] = m
        return out

    def assumptions(self, case: Case, deadlines: dict[str, Measured], defaults: bool) -> list[int]:
        out: list[int] = []
        extend = out.extend
        for did, by_value in self.timely:
            extend(by_value[deadlines[did].timely])
        for parent_path, fields in self.parents:
            parent: Any = _resolve(case, parent_path) if parent_path else case
            values = parent.__dict__ if isinstance(parent, BaseModel) else {}
            for name, kind, entries, declared, memo in fields:
                raw = values.get(name)
                if kind == _PRESENT:
                    if raw is not None:
                        raw = True
                    elif name in parent.model_fields_set:
                        raw = False  # written as null: stated absent
                elif raw is None and name == "filed" and values.get("filed_on") is not None:
                    raw = True  # a filing date implies the filing
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


# --- one program, compiled ----------------------------------------------------------------


def _batch_control(pack: Pack, version: Version, overlays: tuple[str, ...]) -> clingo.Control:
    """The batch variant: the pack's files without their #show statements, plus BATCH_PART."""
    files = [str(f) for f in pack.program_files(version, overlays)]
    control = clingo.Control(["--warn=none", "--project=project"])
    with ast.ProgramBuilder(control) as builder:

        def add(statement: ast.AST) -> None:
            if statement.ast_type not in _SHOW:
                builder.add(statement)

        ast.parse_files(files, add)
    control.add("batch", [], BATCH_PART)
    control.ground([("base", []), ("batch", [])])
    solve_config(control).models = "2"  # one model: determined; two: not
    return control


class _Compiled:
    """Everything the batch needs for one (pack, version, overlays)."""

    def __init__(self, pack: Pack, version: Version, overlays: tuple[str, ...]) -> None:
        self.program = program_on(pack, version, overlays, _batch_control(pack, version, overlays))
        self.control = self.program.control
        self.tables = _Tables(self.program)
        self.plan = _Plan(self.program)
        # The shown atoms of the batch variant are exactly its batch_out/1 atoms: when their
        # hashes differ, a shown symbol is found by its hash alone (one call into clingo).
        entries: dict[clingo.Symbol, Entry] = {}
        for atom in self.control.symbolic_atoms.by_signature("batch_out", 1):
            entries[atom.symbol] = _entry(atom.symbol.arguments[0])
        by_hash = {hash(sym): entry for sym, entry in entries.items()}
        self.by_hash: dict[int, Entry] | None = by_hash if len(by_hash) == len(entries) else None
        self.by_symbol = entries
        self.rule_json = _DUMPS(
            {"pack": pack.id, "version": version.id, "overlays": list(overlays)}
        )
        self.serial = next(_SERIALS)  # unique in the process (unlike id(), never reused)
        self._key = (pack, version, overlays)
        self._shared: tuple[Program, _Plan] | None = None

    def key(self, symbols: Sequence[clingo.Symbol]) -> tuple[int, tuple[int, ...]] | None:
        """A model's identity (symbols are told apart by their hashes, see above)."""
        if self.by_hash is None:
            return None
        return (self.serial, tuple(map(hash, symbols)))

    def sets(self, symbols: Sequence[clingo.Symbol]) -> _Sets:
        """The one model's shown atoms (determined: the same in every completion)."""
        s = _Sets()
        entries = (
            [self.by_hash[hash(sym)] for sym in symbols]
            if self.by_hash is not None
            else [self.by_symbol[sym] for sym in symbols]
        )
        out, names, fired, presumed = s.out, s.names, s.fired, s.presumed
        for kind, key, name, args in entries:
            if kind == _OUT:
                out.add(key)
                group = names.get(name)
                if group is None:
                    names[name] = [args]
                else:
                    group.append(args)
            elif kind == _FIRED:
                fired.add(key)
            else:
                presumed.add(key)
        # fired/1 is shown only for rules whose head is an output atom, shown as well
        s.holds = out
        return s

    def shared(self) -> tuple[Program, _Plan]:
        """The shared program (the one :func:`decide` uses), for cases not determined."""
        if self._shared is None:
            program = program_for(*self._key)
            self._shared = (program, _Plan(program))
        return self._shared


def _shared_sets(t: _Tables, symbols: Sequence[clingo.Symbol]) -> _Sets:
    s = _Sets()
    head = t.rule_head
    table = _SYMBOLS
    for sym in symbols:
        entry = table.get(sym)
        if entry is None:
            entry = table[sym] = _entry(sym)
        s.add(entry, head)
    return s


# --- decoding -------------------------------------------------------------------------------


def _decode(
    t: _Tables,
    case: Case,
    deadlines: dict[str, Measured],
    c: _Sets,
    p: _Sets,
    *,
    determined: bool,
) -> dict[str, Any]:
    """:func:`decode.decode` then ``to_dict(explanation=False)``, on strings: ``c`` holds in
    every completion of the unknown facts, ``p`` in some. ``determined`` (c is p) raises
    _Undetermined where decode would report an undetermined conclusion."""
    c_holds, p_holds = c.holds, p.holds
    c_fired, p_fired = c.fired, p.fired
    text = t.text

    def truth(term: str) -> bool | None:
        if term in c_holds:
            return True
        if term not in p_holds:
            return False
        return None

    def rule_cite(term: str) -> str:
        one = t.one_cite.get(term)
        if one is not None:
            return one
        rules = t.rules_for.get(term, ())
        for fired in (c_fired, p_fired):
            for rid, rcite in rules:
                if rid in fired:
                    return rcite
        return rules[0][1] if rules else ""

    def depends_on(term: str) -> set[str]:
        paths: set[str] = set()
        seen: set[str] = set()
        stack = [term]
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            path = t.input_path.get(x)
            if path is not None:
                if truth(x) is None:
                    paths.add(path)
                continue
            for rid, premises in t.premises_for.get(x, ()):
                if rid in c_fired:
                    continue
                if rid in p_fired or truth(x) is not False:
                    stack.extend(q for q in premises if truth(q) is None)
        return paths

    undetermined: list[dict[str, Any]] = []

    def note(term: str, label: str | None = None, *also: str) -> None:
        if determined:
            raise _Undetermined(term)
        paths = depends_on(term)
        for other in also:
            paths |= depends_on(other)
        undetermined.append({"conclusion": label or term, "depends_on": sorted(paths)})

    names = c.names

    def args(name: str, arity: int) -> list[tuple[str, ...]]:
        return sorted(a for a in names.get(name, ()) if len(a) == arity)

    governs = truth("governs")
    if governs is None:
        note("governs")
    routes = args("route", 1)
    route = routes[0][0] if len(routes) == 1 else None
    if route is None:
        for (r,) in sorted(a for a in p.names.get("route", ()) if len(a) == 1):
            note(f"route({r})")
    ready = truth("ready_for_hearing")
    if ready is None:
        note("ready_for_hearing")

    requirements: list[dict[str, Any]] = []
    defects: list[dict[str, Any]] = []
    for qid, req, met_, excused_, qcite, defect, defect_text in t.requirements:
        applies, excused = truth(req), truth(excused_)
        if excused:
            requirements.append({"id": qid, "cite": rule_cite(excused_), "status": "excused"})
            continue
        if applies is False:
            continue
        met = truth(met_) if applies else None
        status = "met" if met else "unmet" if met is False else "unknown"
        req_cite = rule_cite(req) or qcite
        requirements.append({"id": qid, "cite": req_cite, "status": status})
        if status == "unmet":
            defects.append({"id": defect, "cite": req_cite, "text": defect_text})
        elif status == "unknown":
            note(met_, f"requirement {qid}", req)

    exceptions: list[dict[str, Any]] = []
    fails = args("exception_fails", 2)
    for head, eid, eid_text in t.exceptions:
        applies = truth(head)
        because = eid_text if applies else " ".join(text(w) for e, w in fails if e == eid) or None
        exceptions.append(
            {"id": eid, "cite": rule_cite(head), "applies": applies, "because": because}
        )
        if applies is None:
            note(head)

    sanctions = [
        {
            "against": a,
            "ground": g,
            "cite": rule_cite(f"sanction({a},{g})"),
            "discretionary": True,
            "text": text(g),
        }
        for a, g in args("sanction", 2)
    ]
    if p is not c:
        for key in sorted(p.out - c.out):
            if key.startswith("sanction("):  # exposure that turns on unknown facts
                note(key)
    assumed = []
    for d in sorted(p.presumed):
        decl = t.assumed.get(d)
        if decl is not None:
            did, dcite, fact = decl
            assumed.append(
                {"id": did, "cite": dcite, "fact": fact, "in_every_completion": d in c.presumed}
            )
    deadline_list = _deadlines(t, [d for (d,) in args("deadline_applies", 1)], deadlines)
    recommended = args("recommended", 1)
    steps = [
        {"who": w, "action": text(a), "cite": rule_cite(f"next_step({w},{a})"), "id": a}
        for w, a in args("next_step", 2)
    ]
    return {
        "format": FORMAT_ID,
        "case": case.caption,
        "rule": {"pack": t.pack, "version": t.version, "overlays": list(t.overlays)},
        "as_of": _iso(case.as_of) or "",
        "governs": governs,
        "route": route,
        "ready_for_hearing": ready,
        "defects": defects,
        "requirements": requirements,
        "exceptions": exceptions,
        "sanctions": sanctions,
        "assumed": assumed,
        "deadlines": deadline_list,
        "disposition": {
            "recommended": recommended[0][0] if len(recommended) == 1 else None,
            "consistent": [x for (x,) in args("consistent", 1)],
        },
        "next_steps": steps,
        "undetermined": undetermined,
    }


def _deadlines(
    t: _Tables, applied: list[str], deadlines: dict[str, Measured]
) -> list[dict[str, Any]]:
    out = []
    for d in applied:
        m = deadlines[d]
        did, dcite, anchor, event, days, unit, direction = t.deadlines[d]
        out.append(
            {
                "id": did,
                "date": _iso(m.date),
                "cite": dcite,
                "counted_from": anchor,
                "event": event,
                "days": days,
                "unit": unit,
                "direction": direction,
                "status": m.status,
            }
        )
    return out


# --- solving ---------------------------------------------------------------------------------


def _inconsistent() -> RulepathError:
    from .solve import InconsistentCase

    return InconsistentCase(
        "<case>: the stated facts contradict each other under the rule "
        "(no assignment of the unknown facts satisfies them)"
    )


def _consequences(program: Program, assumptions: list[int], mode: str) -> Sequence[clingo.Symbol]:
    """What :func:`solve.solve` reads: the last model of a cautious or brave enumeration."""
    control = program.control
    solve_config(control).enum_mode = mode
    last: list[Sequence[clingo.Symbol]] = []

    def on_last(model: clingo.Model) -> None:
        last.append(model.symbols(shown=True))

    control.solve(assumptions=assumptions, on_last=on_last)
    if not last:
        raise _inconsistent()
    return last[-1]


class BatchDecider:
    """Decides cases one after another on programs grounded once per (version, overlays)."""

    def __init__(self, *, defaults: bool = True, explain: bool = False) -> None:
        self.defaults = defaults
        self.explain = explain
        self._compiled: dict[tuple[str | None, date, str | None, tuple[str, ...]], _Compiled] = {}
        self._by_version: dict[tuple[str, str, tuple[str, ...]], _Compiled] = {}
        self.one_solve = 0  # cases decided by one solve
        self.two_solves = 0  # cases that needed the cautious and brave solves

    def compiled(self, case: Case) -> _Compiled:
        """The compiled program for a case's rule version and overlays."""
        as_of = case.as_of or date.today()
        key = (case.rule, as_of, case.rule_version, case.overlays)
        compiled = self._compiled.get(key)
        if compiled is None:
            pack = load_pack(case.rule)
            version = pack.version_for(as_of, case.rule_version)
            vkey = (pack.id, version.id, case.overlays)
            compiled = self._by_version.get(vkey)
            if compiled is None:
                compiled = self._by_version[vkey] = _Compiled(pack, version, case.overlays)
            if len(self._compiled) >= 4096:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def _solve(self, case: Case) -> tuple[_Compiled, dict[str, Measured], list[Any]]:
        """Solve on the batch variant: at most two projected models."""
        compiled = self.compiled(case)
        plan = compiled.plan
        deadlines = plan.measure(case)
        models: list[Sequence[clingo.Symbol]] = []

        def on_model(model: clingo.Model) -> bool:
            models.append(model.symbols(shown=True))
            return len(models) < 2

        compiled.control.solve(
            assumptions=plan.assumptions(case, deadlines, self.defaults), on_model=on_model
        )
        if not models:
            raise _inconsistent()
        return compiled, deadlines, models

    def _two_solves(
        self, compiled: _Compiled, case: Case, deadlines: dict[str, Measured]
    ) -> dict[str, Any]:
        """Cautious and brave consequences on the shared program, as :func:`solve.solve`."""
        self.two_solves += 1
        t = compiled.tables
        program, shared_plan = compiled.shared()
        assumptions = shared_plan.assumptions(case, deadlines, self.defaults)
        certain = _shared_sets(t, _consequences(program, assumptions, "cautious"))
        possible = _shared_sets(t, _consequences(program, assumptions, "brave"))
        return _decode(t, case, deadlines, certain, possible, determined=False)

    def decide(self, case: Case) -> dict[str, Any]:
        """The decision as ``decide(case, explain=...).to_dict(explanation=...)`` gives it."""
        if self.explain:
            from .api import decide

            return decide(case, defaults=self.defaults, explain=True).to_dict(explanation=True)
        compiled, deadlines, models = self._solve(case)
        if len(models) == 1:
            sets = compiled.sets(models[0])
            try:
                decision = _decode(compiled.tables, case, deadlines, sets, sets, determined=True)
            except _Undetermined:
                pass
            else:
                self.one_solve += 1
                return decision
        return self._two_solves(compiled, case, deadlines)

    def decide_json(self, case: Case) -> bytes:
        """:meth:`decide` as one line of JSON. A determined decision is assembled from a
        template kept per distinct model (the case's caption, date and deadline dates go in)."""
        if self.explain:
            return _DUMPS(self.decide(case))
        compiled, deadlines, models = self._solve(case)
        if len(models) == 1:
            key = compiled.key(models[0])
            template = _TEMPLATES.get(key) if key is not None else None
            if template is None:
                sets = compiled.sets(models[0])
                try:
                    decision = _decode(
                        compiled.tables, case, deadlines, sets, sets, determined=True
                    )
                except _Undetermined:
                    return _DUMPS(self._two_solves(compiled, case, deadlines))
                template = _template(decision)
                if key is not None:
                    if len(_TEMPLATES) >= _TEMPLATES_MAX:
                        del _TEMPLATES[next(iter(_TEMPLATES))]  # the oldest
                    _TEMPLATES[key] = template
            self.one_solve += 1
            body1, applied, body2 = template
            return b"".join(
                (
                    _PREFIX,
                    _DUMPS(case.caption),
                    b',"rule":',
                    compiled.rule_json,
                    b',"as_of":',
                    _DUMPS(_iso(case.as_of) or ""),
                    b",",
                    body1,
                    b',"deadlines":',
                    _DUMPS(_deadlines(compiled.tables, applied, deadlines)),
                    b",",
                    body2,
                    b"}",
                )
            )
        return _DUMPS(self._two_solves(compiled, case, deadlines))


def _dumps() -> Callable[[Any], bytes]:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        import json

        def dumps(obj: Any) -> bytes:
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

        return dumps
    return orjson.dumps


_DUMPS = _dumps()
_PREFIX = _DUMPS({"format": FORMAT_ID})[:-1] + b',"case":'
_BODY1 = (
    "governs",
    "route",
    "ready_for_hearing",
    "defects",
    "requirements",
    "exceptions",
    "sanctions",
    "assumed",
)
_BODY2 = ("disposition", "next_steps", "undetermined")
# Determined decisions by (program, model): what does not depend on the case's caption, date
# and deadline dates, as JSON. Bounded: the oldest goes first.
_TEMPLATES: dict[tuple[int, tuple[int, ...]], tuple[bytes, list[str], bytes]] = {}
_TEMPLATES_MAX = 2048


def _template(decision: dict[str, Any]) -> tuple[bytes, list[str], bytes]:
    return (
        _DUMPS({k: decision[k] for k in _BODY1})[1:-1],
        [d["id"] for d in decision["deadlines"]],
        _DUMPS({k: decision[k] for k in _BODY2})[1:-1],
    )


# --- lines in, lines out ------------------------------------------------------------------


def error_record(error: BaseException, *, line: int, source: str | None = None) -> dict[str, Any]:
    """The output line for an input that yields no decision: it names the line and field."""
    record: dict[str, Any] = {"format": ERROR_FORMAT, "line": line}
    if source is not None:
        record["source"] = source
    if isinstance(error, CaseError):
        record["field"] = error.field
        record["error"] = error.problem
    elif isinstance(error, RulepathError):
        record["field"] = "<case>"
        record["error"] = str(error).removeprefix("<case>: ")
    else:  # a bug: reported on its line, and the batch goes on
        record["field"] = "<internal>"
        record["error"] = f"{type(error).__name__}: {error}"
    return record


# An input item: (line number, JSON text or case-file path, whether it is a path).
Item = tuple[int, "bytes | str", bool]


@dataclass
class ChunkResult:
    """The output lines of one chunk of items, in input order, and what happened to them."""

    lines: bytes  # one line (newline-terminated) per item
    cases: int = 0
    errors: int = 0
    one_solve: int = 0
    two_solves: int = 0


class LineDecider:
    """Items in, one output line each: the decision, or an error record naming the line and
    the field. Within a chunk, cases are decided grouped by program (the solver's memory stays
    warm) and written back in input order."""

    def __init__(self, *, defaults: bool = True, explain: bool = False) -> None:
        self.decider = BatchDecider(defaults=defaults, explain=explain)

    def _load(self, item: Item) -> Case:
        from .casefile import case_from_mapping, load_case, parse_case

        _, data, is_path = item
        if is_path:
            return load_case(str(data))
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise CaseError("<document>", f"not UTF-8: {error.reason}") from None
        if not data.strip():
            raise CaseError("<document>", "empty line (expected a JSON object)")
        try:
            parsed = json.loads(data, object_pairs_hook=_strict_object)
        except Exception:  # malformed, or a key twice: the case-file loader says which
            return parse_case(data, fmt="json")
        return case_from_mapping(parsed)

    def _error(self, item: Item, error: BaseException) -> bytes:
        line, data, is_path = item
        return _DUMPS(error_record(error, line=line, source=str(data) if is_path else None))

    def decide_chunk(self, items: Sequence[Item]) -> ChunkResult:
        out: list[bytes] = [b""] * len(items)
        todo: list[tuple[int, int, Case]] = []  # (program, position, case)
        result = ChunkResult(b"", cases=len(items))
        decider = self.decider
        for i, item in enumerate(items):
            try:
                case = self._load(item)
                todo.append((decider.compiled(case).serial, i, case))
            except Exception as error:  # every item gets its output line
                out[i] = self._error(item, error)
                result.errors += 1
        todo.sort(key=lambda x: x[0])
        one, two = decider.one_solve, decider.two_solves
        for _, i, case in todo:
            try:
                out[i] = decider.decide_json(case)
            except Exception as error:  # every item gets its output line
                out[i] = self._error(items[i], error)
                result.errors += 1
        result.one_solve = decider.one_solve - one
        result.two_solves = decider.two_solves - two
        out.append(b"")
        result.lines = b"\n".join(out)
        return result


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


_WORKER: LineDecider | None = None


@contextmanager
def quiet_gc() -> Iterator[None]:
    """While deciding a batch: what is loaded so far is kept out of the cyclic garbage
    collector's scans, which run less often (a case's objects hold no cycles). About a tenth
    of a batch's time otherwise goes to collections that free nothing."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _init_worker(defaults: bool, explain: bool) -> None:
    global _WORKER
    _WORKER = LineDecider(defaults=defaults, explain=explain)
    gc.freeze()  # a worker process only decides cases (see quiet_gc)
    gc.set_threshold(20_000, 20, 20)


def _work(items: Sequence[Item]) -> ChunkResult:
    assert _WORKER is not None
    return _WORKER.decide_chunk(items)


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def decide_stream(
    items: Iterable[Item],
    *,
    workers: int = 1,
    chunk_size: int = 256,
    defaults: bool = True,
    explain: bool = False,
    in_flight: int = 4,
) -> Iterator[ChunkResult]:
    """Decide a stream of items in chunks, yielding each chunk's output in input order.

    Memory stays constant: items are read as chunks are handed out, and at most
    ``in_flight * workers`` chunks are out at a time. ``workers > 1`` decides in that many
    processes (each grounds the programs it needs once)."""
    chunks = chunked(items, chunk_size)
    if workers <= 1:
        decider = LineDecider(defaults=defaults, explain=explain)
        for chunk in chunks:
            yield decider.decide_chunk(chunk)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork: workers start with the engine imported; spawn where fork is not offered
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(workers, initializer=_init_worker, initargs=(defaults, explain)) as pool:
        pending: deque[AsyncResult[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= in_flight * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
