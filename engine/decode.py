"""Read a decision off the solver's consequences. Generic over packs: it knows the output
vocabulary of show.lp, never the conditions of any rule.

The one decoder of the engine: :func:`decode` (a typed :class:`Decision`) and the batch's
hot path both go through :func:`decode_dict`, which works on plain strings read once per
program (:class:`Tables`) and per model (:class:`Sets`), not on clingo symbols (every
attribute of a clingo symbol is a call into C).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import clingo

from .casefile import Case
from .deadlines import Measured
from .decision import FORMAT_ID, Decision, iso
from .facts import CaseFacts
from .program import Program, RuleDecl
from .solve import Consequences

F = clingo.Function


class View:
    """Three-valued truth of any ``holds`` term, from the shown consequences."""

    def __init__(self, program: Program, cons: Consequences) -> None:
        self.program = program
        self.cons = cons
        self.certain = self._holds(cons.certain)
        self.possible = self._holds(cons.possible)

    def _holds(self, atoms: frozenset[clingo.Symbol]) -> set[clingo.Symbol]:
        rules = self.program.rules
        out: set[clingo.Symbol] = set()
        for a in atoms:
            name = a.name
            if name == "fired":
                decl = rules.get(a.arguments[0])
                if decl is not None:
                    out.add(decl.head)
            elif name == "in":
                out.add(a.arguments[0])
            elif name != "presumed":
                out.add(a)
        return out

    def truth(self, term: clingo.Symbol) -> bool | None:
        if term in self.certain:
            return True
        if term not in self.possible:
            return False
        return None

    def fired(self, term: clingo.Symbol, *, certain: bool = True) -> list[RuleDecl]:
        atoms = self.cons.certain if certain else self.cons.possible
        return [r for r in self.program.rules_by_head.get(term, []) if F("fired", [r.id]) in atoms]

    def open_inputs(self) -> set[clingo.Symbol]:
        return {a.arguments[0] for a in self.cons.possible - self.cons.certain if a.name == "in"}


def input_path(program: Program, term: clingo.Symbol) -> str:
    decl = program.input_by_term.get(term)
    if decl is None:
        return str(term)
    if decl.kind == "timely":
        deadline = program.deadlines[str(decl.value)]
        return f"{deadline.event} ({deadline.id})"
    return decl.path


OUT, FIRED, IN, PRESUMED = 0, 1, 2, 3
KINDS = {"fired": FIRED, "in": IN, "presumed": PRESUMED}


class NotDetermined(Exception):
    """Raised by a ``determined`` decode when a conclusion it must report is not determined."""


# --- symbols as strings ----------------------------------------------------------------------

# A shown atom as (kind, key, name, arguments): the key of a fired/in/presumed atom is its
# argument's text, of an output atom its own text; name and arguments are an output atom's.
Entry = tuple[int, str, str, tuple[str, ...]]
# Shown atoms of the shared programs, converted on first sight. Clingo interns symbols, so one
# table serves every program of the process.
_SYMBOLS: dict[clingo.Symbol, Entry] = {}


def entry_of(sym: clingo.Symbol) -> Entry:
    kind = KINDS.get(sym.name)
    if kind is not None:
        return (kind, str(sym.arguments[0]), "", ())
    return (OUT, str(sym), sym.name, tuple(str(a) for a in sym.arguments))


class Sets:
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
        if kind == OUT:
            self.out.add(key)
            self.holds.add(key)
            group = self.names.get(name)
            if group is None:
                self.names[name] = [args]
            else:
                group.append(args)
        elif kind == FIRED:
            self.fired.add(key)
            head = rule_head.get(key)
            if head is not None:
                self.holds.add(head)
        elif kind == IN:
            self.holds.add(key)
        else:
            self.presumed.add(key)


# --- the tables of one program -----------------------------------------------------------


class Tables:
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


def sets_of(t: Tables, symbols: Sequence[clingo.Symbol]) -> Sets:
    s = Sets()
    head = t.rule_head
    table = _SYMBOLS
    for sym in symbols:
        entry = table.get(sym)
        if entry is None:
            entry = table[sym] = entry_of(sym)
        s.add(entry, head)
    return s


# --- decoding -------------------------------------------------------------------------------


def decode_dict(
    t: Tables,
    case: Case,
    deadlines: dict[str, Measured],
    c: Sets,
    p: Sets,
    *,
    determined: bool,
) -> dict[str, Any]:
    """:func:`decode.decode` then ``to_dict(explanation=False)``, on strings: ``c`` holds in
    every completion of the unknown facts, ``p`` in some. ``determined`` (c is p) raises
    NotDetermined where decode would report an undetermined conclusion."""
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
            raise NotDetermined(term)
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
    deadline_list = deadline_entries(t, [d for (d,) in args("deadline_applies", 1)], deadlines)
    recommended = args("recommended", 1)
    steps = [
        {"who": w, "action": text(a), "cite": rule_cite(f"next_step({w},{a})"), "id": a}
        for w, a in args("next_step", 2)
    ]
    return {
        "format": FORMAT_ID,
        "case": case.caption,
        "rule": {"pack": t.pack, "version": t.version, "overlays": list(t.overlays)},
        "as_of": iso(case.as_of) or "",
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


def deadline_entries(
    t: Tables, applied: list[str], deadlines: dict[str, Measured]
) -> list[dict[str, Any]]:
    out = []
    for d in applied:
        m = deadlines[d]
        did, dcite, anchor, event, days, unit, direction = t.deadlines[d]
        out.append(
            {
                "id": did,
                "date": iso(m.date),
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


def tables_for(program: Program) -> Tables:
    """The decoder's tables of a program, built once."""
    return program.derived("decode.tables", Tables)


def decode(program: Program, case: Case, facts: CaseFacts, cons: Consequences) -> Decision:
    """The decision: what holds in every completion (``cons.certain``) is determined; what
    holds in some only (``cons.possible``) is undetermined, with the facts it depends on."""
    tables = tables_for(program)
    certain = sets_of(tables, list(cons.certain))
    possible = sets_of(tables, list(cons.possible))
    data = decode_dict(tables, case, facts.deadlines, certain, possible, determined=False)
    return Decision.from_dict(data)
