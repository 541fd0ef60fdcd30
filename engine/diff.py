"""What a change to a rule changes: two rule versions compared symbolically, in one clingo program.

Side ``a`` (before) and side ``b`` (after) are each a pack version with overlays (and, for
``b``, possibly an amendment). Both are loaded into ONE control: every atom of a side's files
(core, pack, version, overlays, amendment, ``logic/core/scenarios.lp``) is grounded alone and
its ground program given to the joint control with every atom renamed (``holds`` ->
``a_holds``, ``rule`` -> ``b_rule``, ...), so the two interpreters run side by side. What
joins them is the scenario:

* a case field both sides read the same way (an input term with the same kind, path and
  value on both sides) takes the same value on both (``a_holds(T) <-> b_holds(T)``);
* a measured deadline (a ``timely`` input) is the calendar's judgement under that side's
  own parameters, so it stays per side; the two sides' judgements are tied as dates tie them
  (scenarios.lp's rule 2 across the sides: on the same event, anchor, direction and unit, the
  deadline with more days is met only if the one with fewer is; and rule 3's date order may not
  form a cycle across the sides).

A joint scenario is then a fully known case (each side's scenario constraints hold) together
with both sides' calendar judgements. On it the program derives each side's declared outputs
(``output/5``), their values per dimension (route, readiness, recommended disposition, each
requirement's status) and ``tr(Dim, Before, After)`` where they differ. From it:

* ``changes``: per declared output, whether some scenario changes it (one solve each);
* ``transitions``: every possible before -> after of each dimension (one solve each);
* ``patterns``: per transition, a witness with the fewest true inputs (``#minimize``), widened
  greedily to a subset-minimal partial assignment every completion of which (every joint
  scenario agreeing with it) makes that transition, and written as a case file
  (:func:`scenarios.witness_case`) that is decided under both sides to check it replays;
* ``gaps`` / ``conflicts``: an at-most-one output with a value before and none after, or more
  than one value after and not before.

Counted (:func:`_count` and :mod:`engine.count`): the joint scenarios, exactly, always; and
with ``count_each`` the scenarios in which each output and each transition changes — Ganak, an
exact projected model counter, on the Clark completion of the joint ground program cut to what
the condition rests on, projected on the inputs. The counts run on the other cores while the
patterns are searched.

The symbolic space reads a deadline it cannot measure (a date absent) as missed, where the
engine leaves it unknown; a witness of such a scenario may not replay, and the pattern says so
in its note (the search first looks on for one that does).

Patterns are searched within ``PATTERN_BUDGET`` seconds, the main dimensions (route,
readiness, recommended) first; the transitions past it are listed in ``Diff.skipped``.
"Every completion" of a pattern ranges over the symbolic scenario space (date order only),
which a case file's dates may not all realise.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import clingo

from .count import Completion, NotCountable, cone
from .count import count as count_models
from .errors import RulepathError
from .pack import Pack, load_pack
from .program import InputDecl, Program, program_for
from .scenarios import (
    Unrealisable,
    scenarios_file,
    schema_facts,
    witness_case,
)

SIDES = ("a", "b")
# The dimensions the transition table reports (besides each requirement's status).
DIMENSIONS = ("route", "ready_for_hearing", "recommended")
_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*\.\s*$', re.MULTILINE)


# --- the joint program -------------------------------------------------------------------------


def _inline(path: Path, seen: set[Path]) -> str:
    """A file's text with its ``#include``s inlined (each file once, as clingo loads them)."""
    path = path.resolve()
    if path in seen:
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")

    def include(m: re.Match[str]) -> str:
        return _inline(path.parent / m.group(1), seen)

    return _INCLUDE.sub(include, text)


class _Ground:
    """One side's ground program, as a ground program observer sees it."""

    def __init__(self) -> None:
        self.rules: list[tuple[bool, list[int], list[int]]] = []
        self.weight_rules: list[tuple[bool, list[int], int, list[tuple[int, int]]]] = []
        self.externals: list[tuple[int, clingo.TruthValue]] = []
        self.minimizes = 0

    def rule(self, choice: bool, head: list[int], body: list[int]) -> None:
        self.rules.append((choice, list(head), list(body)))

    def weight_rule(self, choice: bool, head: list[int], lower_bound: int,
                    body: list[tuple[int, int]]) -> None:
        self.weight_rules.append((choice, list(head), lower_bound, list(body)))

    def external(self, atom: int, value: clingo.TruthValue) -> None:
        self.externals.append((atom, value))

    def _unsupported(self, *_: Any) -> None:
        raise RulepathError("diff", "a side's program uses optimisation, heuristics or theory "
                            "atoms, which a diff cannot compare")

    def minimize(self, priority: int, literals: list[tuple[int, int]]) -> None:
        self.minimizes += 1  # the joint program's own witness preference; a side has none

    heuristic = acyc_edge = theory_atom = theory_atom_with_guard = _unsupported


def side_text(program: Program) -> str:
    """The text of one side: the program's files (includes inlined), its amendment, the
    scenario constraints and the pack's schema facts."""
    seen: set[Path] = set()
    parts = [_inline(Path(p), seen) for p in program.files]
    if program.amendment is not None:
        parts.append(program.amendment.text)
    parts.append(_inline(Path(scenarios_file()), seen))
    parts.append(schema_facts(program))
    return "\n".join(parts)


def _side_program(prefix: str, program: Program, joint_text: str) -> str:
    """One side grounded alone, its ground program written back as ASP text with every atom
    renamed (``holds(T)`` -> ``a_holds(T)``; a term's functor inside an atom is never renamed)
    where the joint rules read it, and every other atom ``a__aux(N)``. Only the pack's own
    files are grounded (no case data): the text is clingo's rendering of their symbols."""
    ctl = clingo.Control(["--warn=none"])
    ground = _Ground()
    ctl.register_observer(ground)  # type: ignore[arg-type]
    ctl.add("base", [], side_text(program))
    ctl.ground([("base", [])])
    if ground.minimizes:
        ground._unsupported()
    # only what the joint rules read, and what it and the constraints rest on (engine.count.cone)
    reads = set(re.findall(rf"\b{prefix}([a-z_][A-Za-z0-9_']*)\(", joint_text))
    symbols = {sa.literal: sa.symbol
               for name, arity, positive in ctl.symbolic_atoms.signatures if name in reads
               for sa in ctl.symbolic_atoms.by_signature(name, arity, positive)}
    rules, weight_rules = cone(ground.rules, ground.weight_rules, list(symbols))
    names: dict[int, str] = {}
    for x, sym in symbols.items():
        names[x] = str(clingo.Function(prefix + sym.name, sym.arguments, sym.positive))
    aux = f"{prefix}_aux"

    def atom(x: int) -> str:
        name = names.get(x)
        return name if name is not None else f"{aux}({x})"

    def lit(x: int) -> str:
        return atom(x) if x > 0 else "not " + atom(-x)

    out: list[str] = []
    for choice, head, body in rules:
        h = ";".join(atom(x) for x in head)
        if choice:
            h = "{" + h + "}"
        out.append(h + (" :- " + ", ".join(lit(x) for x in body) if body else "") + ".")
    for choice, head, lower, wbody in weight_rules:
        h = ";".join(atom(x) for x in head)
        if choice:
            h = "{" + h + "}"
        elements = "; ".join(f"{w},{i}: {lit(x)}" for i, (x, w) in enumerate(wbody))
        out.append(f"{h} :- #sum{{ {elements} }} >= {lower}.")
    for x, value in ground.externals:
        state = {clingo.TruthValue.True_: "true", clingo.TruthValue.Free: "free"}.get(
            value, "false")
        out.append(f"#external {atom(x)}. [{state}]")
    return "\n".join(out)


def _args(n: int) -> str:
    return "" if n == 0 else "(" + ",".join(f"V{i}" for i in range(n)) + ")"


def _joint_rules(a: Program, b: Program) -> str:
    """What ties the two sides and compares them (unprefixed predicates)."""
    lines: list[str] = []
    shared = shared_inputs(a, b)
    for t in shared:
        for atom in (str(t), f"unknown({t})"):
            lines.append(f":- a_holds({atom}), not b_holds({atom}).")
            lines.append(f":- b_holds({atom}), not a_holds({atom}).")
    # the calendar's judgements across the sides (scenarios.lp, rules 2 and 3)
    lines += [
        ":- a_scenario_days(D1,E,A,Dir,N1,U,R), b_scenario_days(D2,E,A,Dir,N2,U,R), N1 >= N2,"
        " a_input_timely(T1,D1), b_input_timely(T2,D2), not a_scenario_open(D1),"
        " a_holds(T1), not b_holds(T2).",
        ":- b_scenario_days(D1,E,A,Dir,N1,U,R), a_scenario_days(D2,E,A,Dir,N2,U,R), N1 >= N2,"
        " b_input_timely(T1,D1), a_input_timely(T2,D2), not b_scenario_open(D1),"
        " b_holds(T1), not a_holds(T2).",
        "x_le(X,Y,S) :- a_scenario_le(X,Y,S).",
        "x_le(X,Y,S) :- b_scenario_le(X,Y,S).",
        "x_path(X,Y,S) :- x_le(X,Y,S).",
        "x_path(X,Z,S1+S2-S1*S2) :- x_path(X,Y,S1), x_le(Y,Z,S2).",
        ":- x_path(X,X,1).",
    ]
    outputs = {**a.outputs, **b.outputs}
    for side in SIDES:
        for o in outputs.values():
            atom = f"{o.name}{_args(o.arity)}"
            lines.append(f"{side}_out({o.name},{atom}) :- {side}_holds({atom}).")
            if o.cardinality != "any":
                lines.append(f"{side}_conflict({o.name}) :- "
                             f"#count{{X: {side}_out({o.name},X)}} > 1.")
                lines.append(f"{side}_valued({o.name}) :- {side}_out({o.name},X).")
        lines += [
            f"{side}_val(route,R) :- {side}_holds(route(R)).",
            f"{side}_val(route,none) :- not {side}_valued(route).",
            f"{side}_val(ready_for_hearing,true) :- {side}_holds(ready_for_hearing).",
            f"{side}_val(ready_for_hearing,false) :- not {side}_holds(ready_for_hearing).",
            f"{side}_val(recommended,D) :- {side}_holds(recommended(D)).",
            f"{side}_val(recommended,none) :- not {side}_valued(recommended).",
            f"{side}_q(Q) :- {side}_requirement(Q,R,S).",
            f"{side}_val(requirement(Q),unmet) :- {side}_q(Q), {side}_holds(unmet(Q)).",
            f"{side}_val(requirement(Q),excused) :- {side}_q(Q), not {side}_holds(unmet(Q)),"
            f" {side}_holds(excused(Q)).",
            f"{side}_val(requirement(Q),met) :- {side}_q(Q), not {side}_holds(unmet(Q)),"
            f" not {side}_holds(excused(Q)), {side}_holds(req(Q)), {side}_holds(met(Q)).",
            f"{side}_val(requirement(Q),not_required) :- {side}_q(Q),"
            f" not {side}_holds(req(Q)), not {side}_holds(excused(Q)).",
            f"{side}_val(requirement(Q),absent) :- q(Q), not {side}_q(Q).",
        ]
    lines += [
        "q(Q) :- a_q(Q).",
        "q(Q) :- b_q(Q).",
        "a_valued(route) :- a_holds(route(X)).",
        "b_valued(route) :- b_holds(route(X)).",
        "a_valued(recommended) :- a_holds(recommended(X)).",
        "b_valued(recommended) :- b_holds(recommended(X)).",
        "tr(D,X,Y) :- a_val(D,X), b_val(D,Y), X != Y, not a_val(D,Y), not b_val(D,X).",
        "changed(N) :- a_out(N,X), not b_out(N,X).",
        "changed(N) :- b_out(N,X), not a_out(N,X).",
        # a gap: a valued output (arity > 0; a flag's absence is its value false) that has
        # its value before and none after
        "gap(N) :- x_valued_output(N), a_valued(N), not b_valued(N).",
        *(f"x_valued_output({o.name})." for o in outputs.values()
          if o.arity > 0 and o.cardinality != "any"),
        "#defined x_valued_output/1.",
        "new_conflict(N) :- b_conflict(N), not a_conflict(N).",
        "#defined a_conflict/1. #defined b_conflict/1.",
        "#defined a_requirement/3. #defined b_requirement/3.",
        "#show.",
        "#show changed/1. #show tr/3. #show gap/1. #show new_conflict/1.",
    ]
    return "\n".join(lines)


def shared_inputs(a: Program, b: Program) -> list[clingo.Symbol]:
    """The non-timely input terms both sides read the same way."""
    bdecl = {d.term: d for d in b.inputs}
    return [d.term for d in a.inputs
            if d.kind != "timely" and bdecl.get(d.term) == d]


@dataclass
class Joint:
    """The grounded joint program and the literals of its inputs."""

    a: Program
    b: Program
    control: clingo.Control
    # (side, input) -> literal of holds(T); the shared inputs carry side "a" only
    inputs: dict[tuple[str, clingo.Symbol], int]
    unknowns: dict[tuple[str, clingo.Symbol], int]
    ground: _Ground = field(default_factory=lambda: _Ground())
    # every input atom of both sides (the shared inputs' b copies too): literal -> (side, term)
    atoms: dict[int, tuple[str, clingo.Symbol]] = field(default_factory=dict)


def joint_program(a: Program, b: Program) -> Joint:
    # false first: a scenario found names few true inputs (see _find_pattern)
    ctl = clingo.Control(["--warn=none", "--sign-def=neg"])
    observer = _Ground()
    ctl.register_observer(observer)  # type: ignore[arg-type]
    joint_text = _joint_rules(a, b)
    ctl.add("base", [], _side_program("a_", a, joint_text))
    ctl.add("base", [], _side_program("b_", b, joint_text))
    ctl.add("base", [], joint_text)
    ctl.ground([("base", [])])
    shared = set(shared_inputs(a, b))
    inputs: dict[tuple[str, clingo.Symbol], int] = {}
    unknowns: dict[tuple[str, clingo.Symbol], int] = {}
    for side, prog in (("a", a), ("b", b)):
        for d in prog.inputs:
            if side == "b" and d.term in shared:
                continue
            for table, atom in ((inputs, d.term), (unknowns, clingo.Function("unknown",
                                                                             [d.term]))):
                found = ctl.symbolic_atoms[clingo.Function(f"{side}_holds", [atom])]
                if found is not None:
                    table[(side, d.term)] = found.literal
    atoms: dict[int, tuple[str, clingo.Symbol]] = {}
    for side, prog in (("a", a), ("b", b)):
        for d in prog.inputs:
            found = ctl.symbolic_atoms[clingo.Function(f"{side}_holds", [d.term])]
            if found is not None:
                atoms[found.literal] = (side, d.term)
    return Joint(a, b, ctl, inputs, unknowns, observer, atoms)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One input of a pattern: a case fact (``side`` None: read alike by both) or one side's
    calendar judgement of a deadline."""

    term: str
    path: str
    value: bool | None  # None: unknown (a deadline whose dates are absent)
    side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "path": self.path, "value": self.value, "side": self.side}

    def words(self) -> str:
        state = "unknown" if self.value is None else ("true" if self.value else "false")
        where = f" [{self.side}]" if self.side else ""
        return f"{self.path} = {state}{where}" if self.path else f"{self.term}{where} = {state}"


@dataclass
class Pattern:
    """A subset-minimal partial assignment every completion of which makes ``transition``,
    with a witness case and both sides' decisions of it."""

    dimension: str
    before: str
    after: str
    conditions: list[Condition]
    witness: dict[str, Any] | None
    decided: dict[str, dict[str, Any]]  # side -> route, ready, recommended, requirements
    replays: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension, "before": self.before, "after": self.after,
            "conditions": [c.to_dict() for c in self.conditions],
            "witness": self.witness, "decided": self.decided, "replays": self.replays,
            "note": self.note,
        }


@dataclass
class Diff:
    """What changes from side ``a`` to side ``b`` (see the module's words)."""

    pack: str
    before: str  # the side's description: version, overlays, amendment
    after: str
    changed: bool
    changes: dict[str, bool]  # declared output -> some scenario changes it
    transitions: list[tuple[str, str, str]]  # (dimension, before, after) that can happen
    patterns: list[Pattern]
    gaps: list[str]  # at-most-one outputs some scenario has before and not after
    conflicts: list[str]  # at-most-one outputs some scenario gives two values after, not before
    shared_inputs: int
    side_inputs: dict[str, int]
    seconds: float = 0.0
    # exact joint-scenario counts (None: not counted; count_note says why)
    scenarios: int | None = None
    change_counts: dict[str, int | None] = field(default_factory=dict)
    transition_counts: dict[tuple[str, str, str], int | None] = field(default_factory=dict)
    count_note: str = ""  # why some counts are missing
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # no pattern: budget
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "rulepath/diff-1",
            "pack": self.pack, "before": self.before, "after": self.after,
            "changed": self.changed,
            "changes": self.changes,
            "scenarios": self.scenarios,
            "change_counts": self.change_counts,
            "count_note": self.count_note,
            "transitions": [{"dimension": d, "before": x, "after": y,
                             "scenarios": self.transition_counts.get((d, x, y))}
                            for d, x, y in self.transitions],
            "patterns_skipped": [{"dimension": d, "before": x, "after": y}
                                 for d, x, y in self.skipped],
            "patterns": [p.to_dict() for p in self.patterns],
            "gaps": self.gaps, "conflicts": self.conflicts,
            "inputs": {"shared": self.shared_inputs, "per_side": self.side_inputs},
            "seconds": round(self.seconds, 2),
        }


# --- solving ------------------------------------------------------------------------------------


def _atom(ctl: clingo.Control, sym: clingo.Symbol) -> int | None:
    found = ctl.symbolic_atoms[sym]
    return None if found is None else found.literal


def _satisfiable(ctl: clingo.Control, assumptions: list[int]) -> bool:
    with ctl.solve(assumptions=assumptions, yield_=True) as handle:
        for _ in handle:
            return True
    return False


def _brave(ctl: clingo.Control) -> set[clingo.Symbol]:
    """The comparison atoms (``changed/1``, ``tr/3``, ``gap/1``, ``new_conflict/1``) true in
    some joint scenario: clingo's brave consequences, one solve for all of them."""
    ctl.configuration.solve.enum_mode = "brave"  # type: ignore[union-attr]
    ctl.configuration.solve.models = "0"  # type: ignore[union-attr]
    last: set[clingo.Symbol] = set()
    try:
        with ctl.solve(yield_=True) as handle:
            for model in handle:
                last = set(model.symbols(shown=True))
    finally:
        ctl.configuration.solve.enum_mode = "auto"  # type: ignore[union-attr]
        ctl.configuration.solve.models = "1"  # type: ignore[union-attr]
    return last


def _candidates(ctl: clingo.Control, name: str, arity: int) -> list[clingo.Symbol]:
    return sorted(a.symbol for a in ctl.symbolic_atoms.by_signature(name, arity))


def _show(sym: clingo.Symbol) -> str:
    return sym.string if sym.type == clingo.SymbolType.String else str(sym)


def _assignment(joint: Joint, model_true: set[int], model_unknown: set[int],
                side: str) -> dict[clingo.Symbol, bool | None]:
    prog = joint.a if side == "a" else joint.b
    shared = set(shared_inputs(joint.a, joint.b))
    out: dict[clingo.Symbol, bool | None] = {}
    for d in prog.inputs:
        key = ("a", d.term) if d.term in shared else (side, d.term)
        lit = joint.inputs.get(key)
        ulit = joint.unknowns.get(key)
        if ulit is not None and ulit in model_unknown:
            out[d.term] = None
        else:
            out[d.term] = lit is not None and lit in model_true
    return out


def _summary(decision: Any) -> dict[str, Any]:
    return {
        "route": decision.route,
        "ready_for_hearing": decision.ready_for_hearing,
        "recommended": decision.disposition.recommended,
        "requirements": {r.id: r.status for r in decision.requirements},
        "defects": sorted(x.id for x in decision.defects),
    }


def _value_of(summary: dict[str, Any], dimension: str, prog: Program) -> str:
    if dimension == "route":
        return str(summary["route"] or "none")
    if dimension == "ready_for_hearing":
        return "true" if summary["ready_for_hearing"] else "false"
    if dimension == "recommended":
        return str(summary["recommended"] or "none")
    q = dimension[len("requirement("):-1]
    if q not in prog.requirements:
        return "absent"
    return str(summary["requirements"].get(q, "not_required"))


def _case_for(prog: Program, data: dict[str, Any]) -> dict[str, Any]:
    out = {**data, "rule_version": prog.version.id}
    out.pop("overlays", None)
    if prog.overlays:
        out["overlays"] = list(prog.overlays)
    return out


def _replay(joint: Joint, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from .api import decide

    out = {}
    for side, prog in (("a", joint.a), ("b", joint.b)):
        case = _case_for(prog, data)
        decision = decide(case, defaults=False, explain=False, amend=prog.amendment)
        out[side] = _summary(decision)
    return out


def _witness(joint: Joint, true: set[int], unknown: set[int]) -> tuple[dict[str, Any] | None,
                                                                       str]:
    """A case file giving the joint scenario on both sides, or why none was found."""
    from .casefile import case_from_mapping
    from .facts import case_facts

    reasons = []
    wanted = {s: _assignment(joint, true, unknown, s) for s in SIDES}
    for side in SIDES:
        prog = joint.a if side == "a" else joint.b
        try:
            data = witness_case(prog, wanted[side])
        except Unrealisable as error:
            reasons.append(f"{side}: {error.reason}")
            continue
        other, oprog = ("b", joint.b) if side == "a" else ("a", joint.a)
        facts = case_facts(oprog, case_from_mapping(_case_for(oprog, data)), defaults=False)
        if all(facts.known.get(d) == wanted[other].get(d.term) for d in oprog.inputs):
            return data, ""
        reasons.append(f"{side}: its dates do not give side {other}'s calendar judgements")
    return None, "; ".join(reasons)


def _condition(joint: Joint, side: str, term: clingo.Symbol, value: bool | None
               ) -> Condition:
    prog = joint.a if side == "a" else joint.b
    decl: InputDecl = prog.input_by_term[term]
    shared = decl.kind != "timely" and term in set(shared_inputs(joint.a, joint.b))
    path = prog.input_path(decl)
    if decl.kind == "value":
        path = f"{decl.path} == {decl.value}"
    elif decl.kind == "member":
        path = f"{decl.value} in {decl.path}"
    elif decl.kind == "other":
        path = f"{decl.path} has an undeclared member"
    elif decl.kind == "present":
        path = f"{decl.path} given"
    elif decl.kind == "over":
        path = f"{decl.path} > {decl.value}"
    elif decl.kind == "timely":
        dl = prog.deadlines[str(decl.value)]
        path = f"{dl.event} timely ({dl.id}: {dl.days} {dl.unit} {dl.direction} {dl.anchor})"
    return Condition(str(term), path, value, None if shared else side)


def _pattern(joint: Joint, lit: int, true: set[int], unknown: set[int]) -> list[
        tuple[str, clingo.Symbol, bool | None, list[int]]]:
    """Widen a scenario to a subset-minimal partial assignment every completion of which
    keeps ``lit`` true: drop each input's assumption when no completion then falsifies it."""
    items: list[tuple[str, clingo.Symbol, bool | None, list[int]]] = []
    for (side, term), vlit in joint.inputs.items():
        ulit = joint.unknowns.get((side, term))
        if ulit is not None and ulit in unknown:
            items.append((side, term, None, [ulit]))
        else:
            assume = [vlit if vlit in true else -vlit]
            if ulit is not None:
                assume.append(-ulit)
            items.append((side, term, vlit in true, assume))
    # try dropping the inputs the witness leaves false first: patterns then name what is there
    items.sort(key=lambda i: (i[2] is True, i[0], str(i[1])))
    # deletion with core refinement: an unsatisfiable solve's core names the assumptions it
    # needed, so every other input is dropped at once (dropping from a set that stays
    # unsatisfiable keeps every input found necessary necessary)
    kept = _in_core(items, _core(joint.control, [x for i in items for x in i[3]] + [-lit]))
    for item in list(kept):
        if item not in kept:
            continue
        trial = [i for i in kept if i is not item]
        core = _core(joint.control, [x for i in trial for x in i[3]] + [-lit])
        if core is not None:
            kept = _in_core(trial, core)
    return kept


def _core(ctl: clingo.Control, assumptions: list[int]) -> set[int] | None:
    """None when satisfiable under ``assumptions``; else the assumptions of a core."""
    with ctl.solve(assumptions=assumptions, yield_=True) as handle:
        for _ in handle:
            return None
        return set(handle.core())


def _in_core(items: list[tuple[str, clingo.Symbol, bool | None, list[int]]],
             core: set[int] | None) -> list[tuple[str, clingo.Symbol, bool | None, list[int]]]:
    if core is None:  # the scenario itself does not force the literal: keep everything
        return items
    return [i for i in items if any(x in core for x in i[3])]


# The witness search's budget (seconds) after the symbolic part; main dimensions go first.
PATTERN_BUDGET = 0.25
MAIN = ("route", "ready_for_hearing", "recommended")


def _priority(key: tuple[str, str, str]) -> tuple[int, str, str, str]:
    return (0 if key[0] in MAIN else 1, *key)


def compare(a: Program, b: Program, patterns: bool = True,
            budget: float | None = PATTERN_BUDGET, count: bool = True,
            count_each: bool = False) -> Diff:
    """The diff of side ``a`` (before) and side ``b`` (after). Patterns are searched for the
    transitions of the main dimensions first, then the requirements', while ``budget``
    seconds last (None: no limit); the rest are listed in ``skipped``."""
    started = time.perf_counter()
    joint = joint_program(a, b)
    ctl = joint.control
    ctl.configuration.solve.models = "1"  # type: ignore[union-attr]
    names = sorted({*a.outputs, *b.outputs})
    possible = _brave(ctl)  # every comparison atom some joint scenario makes true
    changes: dict[str, bool] = {}
    change_lits: dict[str, int] = {}
    for name in names:
        sym = clingo.Function("changed", [clingo.Function(name)])
        changes[name] = sym in possible
        if changes[name]:
            change_lits[name] = _atom(ctl, sym) or 0
    transitions: list[tuple[str, str, str]] = []
    found: list[tuple[tuple[str, str, str], int]] = []
    for sym in _candidates(ctl, "tr", 3):
        if sym in possible:
            key = (str(sym.arguments[0]), _show(sym.arguments[1]), _show(sym.arguments[2]))
            transitions.append(key)
            found.append((key, _atom(ctl, sym) or 0))
    gaps = [str(s.arguments[0]) for s in _candidates(ctl, "gap", 1) if s in possible]
    conflicts = [str(s.arguments[0]) for s in _candidates(ctl, "new_conflict", 1)
                 if s in possible]
    result = Diff(
        pack=a.pack.id, before=describe(a), after=describe(b),
        changed=any(changes.values()), changes=changes, transitions=transitions,
        patterns=[], gaps=gaps, conflicts=conflicts,
        shared_inputs=len(shared_inputs(a, b)),
        side_inputs={"a": len(a.inputs), "b": len(b.inputs)},
        extra={"programs": (a, b)},
    )
    # the counts run on the other cores while the patterns are searched
    pool = ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) - (1 if patterns else 0)))
    counting: dict[str, Future[int]] = {}
    completion: Completion | None = None
    if count:
        wanted: list[tuple[str, int]] = []
        if count_each:
            wanted = [(name, lit) for name, lit in change_lits.items()]
            wanted += [(_key_words(key), lit) for key, lit in found]
        else:
            result.count_note = EACH_NOT_COUNTED
        try:
            completion = _completion(joint, [])
        except NotCountable as error:
            result.count_note = f"not counted: the program has {error} (engine/count.py)"
        if completion is not None:
            projection = _projection(joint)
            counting[TOTAL] = pool.submit(count_models, completion, projection, [])
            for label, lit in wanted:  # each on its own cone: smaller, so faster to count
                counting[label] = pool.submit(
                    lambda lit: count_models(_completion(joint, [lit]), projection, [lit]), lit)
    if patterns:
        begun = time.perf_counter()
        for key, lit in sorted(found, key=lambda f: _priority(f[0])):
            if budget is not None and time.perf_counter() - begun > budget:
                result.skipped.append(key)
                continue
            result.patterns.append(_find_pattern(joint, key, lit))
    counts = {key: future.result() for key, future in counting.items()}
    pool.shutdown()
    if completion is not None:
        result.scenarios = counts.pop(TOTAL)
        for name in names:
            result.change_counts[name] = counts.get(name) if name in change_lits else 0
        for key, _ in found:
            result.transition_counts[key] = counts.get(_key_words(key))
    result.seconds = time.perf_counter() - started
    return result


def _key_words(key: tuple[str, str, str]) -> str:
    return f"{key[0]}: {key[1]} -> {key[2]}"


def _scenarios(joint: Joint, lit: int, tries: int, shuffled: int
               ) -> Iterator[tuple[set[int], set[int]]]:
    """Joint scenarios in which ``lit`` holds: the first ``tries`` the solver enumerates (few
    true inputs first), then ``shuffled`` more, each from a solve with random decisions under
    its own seed (enumeration varies the last choices only; dates may rule a whole region
    out). Each as (true inputs, unknown inputs)."""
    ctl = joint.control
    ulits = set(joint.unknowns.values())
    vlits = list(joint.inputs.values())
    solver = ctl.configuration.solver
    found: list[tuple[set[int], set[int]]] = []
    ctl.configuration.solve.models = str(tries)  # type: ignore[union-attr]
    with ctl.solve(assumptions=[lit], yield_=True) as handle:
        for model in handle:
            found.append(({v for v in vlits if model.is_true(v)},
                          {u for u in ulits if model.is_true(u)}))
    ctl.configuration.solve.models = "1"  # type: ignore[union-attr]
    yield from found
    seed, freq = solver.seed, solver.rand_freq  # type: ignore[union-attr]
    try:
        for k in range(shuffled):
            solver.seed, solver.rand_freq = str(k + 1), "0.3"  # type: ignore[union-attr]
            with ctl.solve(assumptions=[lit], yield_=True) as handle:
                for model in handle:
                    scenario = ({v for v in vlits if model.is_true(v)},
                                {u for u in ulits if model.is_true(u)})
            yield scenario
    finally:
        solver.seed, solver.rand_freq = seed, freq  # type: ignore[union-attr]


def _find_pattern(joint: Joint, key: tuple[str, str, str], lit: int, tries: int = 6,
                  shuffled: int = 12) -> Pattern:
    """The first scenario making the transition (:func:`_scenarios`) that a case file
    realises, widened to a pattern; else the first scenario's pattern, unrealised."""
    dimension, before, after = key
    why = ""
    first: tuple[set[int], set[int]] | None = None
    unfaithful: Pattern | None = None
    tried = 0
    for true, unknown in _scenarios(joint, lit, tries, shuffled):
        tried += 1
        first = first or (true, unknown)
        data, why = _witness(joint, true, unknown)
        if data is None:
            continue
        decided = _replay(joint, data)
        got = (_value_of(decided["a"], dimension, joint.a),
               _value_of(decided["b"], dimension, joint.b))
        if got != (before, after):
            # the symbolic space reads a deadline it cannot measure (a date absent) as
            # missed; the engine leaves it unknown: look on for a scenario that replays
            unfaithful = unfaithful or Pattern(
                dimension, before, after,
                [_condition(joint, s, t, v) for s, t, v, _ in _pattern(joint, lit, true,
                                                                       unknown)],
                data, decided, False,
                f"the witness decides {got[0]} -> {got[1]}: the symbolic space reads a "
                "deadline on an absent date as missed, where the engine leaves it unknown")
            continue
        kept = _pattern(joint, lit, true, unknown)
        return Pattern(dimension, before, after,
                       [_condition(joint, s, t, v) for s, t, v, _ in kept], data, decided,
                       True)
    if unfaithful is not None:
        return unfaithful
    assert first is not None
    kept = _pattern(joint, lit, *first)
    note = (f"none of {tried} scenarios tried is realised by a case file (dates "
            f"beyond order, e.g. 7 + 0 days, may rule it out); the last: {why}")
    return Pattern(dimension, before, after,
                   [_condition(joint, s, t, v) for s, t, v, _ in kept], None, {}, False, note)


# --- counting -----------------------------------------------------------------------------------

TOTAL = ""  # the key of the count of every joint scenario
EACH_NOT_COUNTED = ("per output and per transition: not counted by default (0.1-0.6 s each); "
                    "count_each=True (rulepath diff --count) counts them exactly")




def _projection(joint: Joint) -> set[int]:
    """The literals a joint scenario is counted on: its inputs."""
    return {*joint.inputs.values(), *joint.unknowns.values()}


def _completion(joint: Joint, lits: list[int]) -> Completion:
    """The completion (:mod:`engine.count`) of what the counts of the joint scenarios, in all
    and where each of ``lits`` holds, rest on."""
    ground = joint.ground
    rules, weight_rules = cone(ground.rules, ground.weight_rules, [*_projection(joint), *lits])
    return Completion(rules, weight_rules)


# --- choosing the sides -------------------------------------------------------------------------


def describe(program: Program) -> str:
    words = f"{program.pack.id} {program.version.id}"
    words += "".join(f" +{o}" for o in program.overlays)
    if program.amendment is not None:
        words += f" +amendment {program.amendment.path}"
    return words


def sides(
    pack_id: str | None = None,
    *,
    as_of: date | None = None,
    amend: str | None = None,
    from_version: str | None = None,
    to_version: str | None = None,
    overlays: tuple[str, ...] = (),
) -> tuple[Program, Program]:
    """The two programs a diff compares: ``from_version`` -> ``to_version``; or the version in
    force on ``as_of`` (today) without and with ``amend`` / ``overlays``."""
    from .amendment import load_amendment

    pack: Pack = load_pack(pack_id)
    chosen = sum(x is not None and x != () for x in (amend, overlays or None,
                                                    from_version or to_version))
    if chosen != 1:
        raise RulepathError("diff", "name one change: --amend FILE, --from V --to V, "
                            "or --overlay ID")
    if from_version or to_version:
        if not (from_version and to_version):
            raise RulepathError("diff", "--from and --to go together")
        va = pack.version_for(date.today(), from_version)
        vb = pack.version_for(date.today(), to_version)
        return program_for(pack, va, ()), program_for(pack, vb, ())
    version = pack.version_for(as_of or date.today())
    base = program_for(pack, version, ())
    if overlays:
        for o in overlays:
            if o not in pack.overlays:
                raise RulepathError("overlay", f"unknown overlay {o!r} of {pack.id}")
        return base, program_for(pack, version, tuple(dict.fromkeys(overlays)))
    assert amend is not None
    amendment = load_amendment(base, amend)
    return base, program_for(pack, version, (), amendment)


def diff(
    pack: str | None = None,
    *,
    as_of: date | str | None = None,
    amend: str | None = None,
    from_version: str | None = None,
    to_version: str | None = None,
    overlays: tuple[str, ...] | list[str] = (),
    patterns: bool = True,
    budget: float | None = PATTERN_BUDGET,
    count_each: bool = False,
) -> Diff:
    """What changes between two rule versions (``rulepath diff``): see the module's words."""
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    a, b = sides(pack, as_of=day, amend=amend, from_version=from_version,
                 to_version=to_version, overlays=tuple(overlays))
    return compare(a, b, patterns=patterns, budget=budget, count_each=count_each)


# --- the changed region of the decision graph ---------------------------------------------------


def _changed_nodes(g: Any, result: Diff) -> set[str]:
    """The graph nodes whose conclusion some transition changes."""
    out: set[str] = set()
    for dimension, before, after in result.transitions:
        if dimension.startswith("requirement("):
            q = dimension[len("requirement("):-1]
            out |= {n for n, d in g.nodes(data=True) if d.get("group") == f"requirement:{q}"}
        elif dimension == "ready_for_hearing":
            out |= {n for n in g if n == "ready_for_hearing"}
        else:
            out |= {n for n in g if n in (f"{dimension}({before})", f"{dimension}({after})")}
    return out


def changed_graph(result: Diff) -> str | None:
    """A Mermaid flowchart of the after side's rule graph around what changes: the nodes whose
    conclusion a transition changes (marked "Δ") with their direct premises and consequences.
    None when the graph cannot be drawn (or nothing changes)."""
    from . import draw
    from .graph import rule_graph

    programs = result.extra.get("programs")
    if not programs or not result.transitions:
        return None
    g = rule_graph(programs[1])
    changed = _changed_nodes(g, result)
    if not changed:
        return None
    keep = set(changed)
    for n in changed:
        keep |= set(g.predecessors(n)) | set(g.successors(n))
    sub = g.subgraph(sorted(keep)).copy()
    for n in changed:
        data = sub.nodes[n]
        if "label" in data:
            data["label"] = "Δ " + str(data["label"])
        if "row" in data:
            data["row"] = "Δ " + str(data["row"])
    groups = {k: dict(v) for k, v in g.graph["groups"].items()
              if any(d.get("group") == k for d in sub.nodes.values())}
    for k, v in groups.items():
        if any(sub.nodes[n].get("group") == k for n in changed):
            v["title"] = "Δ " + str(v["title"])
    sub.graph["groups"] = groups
    sub.graph["title"] = f"{g.graph['title']}: what changes (Δ) and its neighbours"
    return draw.to_mermaid(sub)
