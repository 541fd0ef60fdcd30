"""Check a pack version over its whole fully known scenario space, by clingo only.

The scenario program (:func:`scenarios.scenario_control`: the pack's files with
``logic/core/scenarios.lp``) is grounded once with a small check encoding beside it, and each
question is one solve under one assumption, ``rp_issue(Q)``:

* gaps -- ``gap(no_route)``: a governed motion with no route; ``gap(no_recommended)``: a
  scenario with no recommended disposition; ``gap(missing(Name))``: no value for an output
  whose cardinality is ``one`` (``logic/core/output.lp``);
* conflicts -- ``conflict(Name)``: two values of an ``at_most_one`` output;
* declared properties -- ``violation(Id)``: a properties file (plain ASP, by default the
  pack's ``properties.lp``) declares ``property(Id, "text", "Cite").`` and derives
  ``violation(Id)`` from ``holds/1`` where the property fails.

A solve that is unsatisfiable proves the question's answer for every scenario. A satisfiable
one is a finding: clingo's optimisation (``#minimize`` over the true input atoms) gives a
witness with few true inputs, written as a case file (:func:`scenarios.witness_case`) and
replayed through the engine (the case as the engine reads it shows the finding again), with
its justification tree (:func:`explain.explain_case`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import clingo

from .errors import RulepathError
from .pack import logic_root
from .program import Program
from .scenarios import (
    Unrealisable,
    _assignment,
    scenarios_file,
    schema_facts,
    witness_case,
)

FORMAT_ID = "rulepath/check-1"
# Optimal witnesses tried, per finding, before one that dates can realise is given up.
WITNESS_TRIES = 8


@dataclass
class Witness:
    """A minimal scenario showing a finding: its true inputs, the case file, and the replay."""

    inputs: list[str]  # the input terms true in it
    case: dict[str, Any] | None  # the case file (a mapping), or None when no dates give it
    replayed: bool  # the written case, read and solved by the engine, shows the finding
    explanation: dict[str, Any] | None = None
    note: str | None = None


@dataclass
class Finding:
    kind: str  # gap | conflict | violation
    id: str  # no_route, no_recommended, missing(Name); the output's name; the property's id
    text: str
    cite: str | None = None
    witness: Witness | None = None


@dataclass
class PropertyResult:
    id: str
    text: str
    cite: str
    holds: bool


@dataclass
class CheckResult:
    pack: str
    version: str
    overlays: list[str]
    properties_file: str | None
    questions: int  # solves asked
    gaps: list[Finding] = field(default_factory=list)
    conflicts: list[Finding] = field(default_factory=list)
    properties: list[PropertyResult] = field(default_factory=list)
    violations: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.gaps or self.conflicts or self.violations)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {"format": FORMAT_ID, "ok": self.ok, **data}


def check_file() -> str:
    return str(logic_root() / "core" / "check.lp")


def _encoding(program: Program) -> str:
    """The output vocabulary as check.lp reads it (rp_value/2, rp_card/2)."""
    lines = []
    for out in program.outputs.values():
        if out.arity == 0:
            lines.append(f"rp_value({out.name}, ()) :- holds({out.name}).")
        else:
            xs = [f"X{i}" for i in range(out.arity)]
            tup = "(" + ",".join(xs) + ("," if out.arity == 1 else "") + ")"
            lines.append(f"rp_value({out.name}, {tup}) :- holds({out.name}({','.join(xs)})).")
        lines.append(f"rp_card({out.name}, {out.cardinality}).")
    return "\n".join(lines)


GAP_TEXT = {
    "no_route": "a governed motion with no route",
    "no_recommended": "a scenario with no recommended disposition",
}


Question = tuple[str, str, clingo.Symbol]  # kind, id, the term of rp_issue/1


def _questions(program: Program, props: list[PropertyResult]) -> list[Question]:
    q: list[Question] = []
    fn = clingo.Function
    q.append(("gap", "no_route", fn("gap", [fn("no_route")])))
    q.append(("gap", "no_recommended", fn("gap", [fn("no_recommended")])))
    for out in program.outputs.values():
        if out.cardinality == "one":
            q.append(("gap", f"missing({out.name})", fn("gap", [fn("missing", [fn(out.name)])])))
    for out in program.outputs.values():
        if out.cardinality == "at_most_one" and out.arity > 0:
            q.append(("conflict", out.name, fn("conflict", [fn(out.name)])))
    for p in props:
        q.append(("violation", p.id, fn("violation", [clingo.parse_term(p.id)])))
    return q


def default_properties(program: Program) -> Path | None:
    path = program.pack.root / "properties.lp"
    return path if path.is_file() else None


def _text(sym: clingo.Symbol) -> str:
    return sym.string if sym.type == clingo.SymbolType.String else str(sym)


def _control(program: Program, properties: Path | None) -> clingo.Control:
    messages: list[str] = []

    def logger(_code: clingo.MessageCode, message: str) -> None:
        messages.append(message.strip().splitlines()[0] if message.strip() else message)

    ctl = clingo.Control(["--warn=none"], logger=logger)  # scenario_control, plus ours
    for path in program.files:
        ctl.load(str(path))
    ctl.load(scenarios_file())
    ctl.add("scenario_schema", [], schema_facts(program))
    ctl.add("check", [], _encoding(program))
    ctl.load(check_file())
    try:
        if properties is not None:
            ctl.load(str(properties))
        ctl.ground([("base", []), ("scenario_schema", []), ("check", [])])
    except RuntimeError:
        where = messages[0] if messages else "clingo could not read it"
        raise RulepathError("properties", f"{properties}: {where}") from None
    return ctl


def _properties(ctl: clingo.Control, properties: Path | None) -> list[PropertyResult]:
    props: dict[str, PropertyResult] = {}
    for atom in ctl.symbolic_atoms.by_signature("property", 3):
        pid, text, cite = atom.symbol.arguments
        props[str(pid)] = PropertyResult(str(pid), _text(text), _text(cite), True)
    for atom in ctl.symbolic_atoms.by_signature("violation", 1):
        vid = str(atom.symbol.arguments[0])
        if vid not in props:
            raise RulepathError("properties", f"{properties}: violation({vid}) has no "
                                f"property({vid}, Text, Cite) declaration")
    return sorted(props.values(), key=lambda p: p.id)


def _replays(program: Program, case: dict[str, Any], issue: clingo.Symbol,
             properties: Path | None) -> bool:
    """Read the written case as the engine does, solve the pack's program on exactly those
    facts (with the check encoding) and see the issue again; and decide it."""
    from .api import decide
    from .casefile import case_from_mapping
    from .facts import case_facts

    loaded = case_from_mapping(case)
    facts = case_facts(program, loaded, defaults=False)
    ctl = clingo.Control(["--warn=none"])
    for path in program.files:
        ctl.load(str(path))
    if properties is not None:
        ctl.load(str(properties))
    pinned = []
    for d in program.inputs:
        value = facts.known.get(d)
        if value is None:
            pinned.append(f":- not holds(unknown({d.term})).")
        else:
            pinned.append(f":- holds(unknown({d.term})).")
            pinned.append(f":- {'not ' if value else ''}holds({d.term}).")
    pinned.append(":- holds(defaults_on).")
    ctl.load(check_file())
    ctl.add("check", [], _encoding(program) + "\n" + "\n".join(pinned))
    ctl.ground([("base", []), ("check", [])])
    seen: list[bool] = []
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            seen.append(model.contains(clingo.Function("rp_issue", [issue])))
            break
    if not seen or not seen[0]:
        return False
    decision = decide(case, explain=False)
    if issue.name == "gap" and str(issue.arguments[0]) == "no_route":
        return decision.route is None
    if issue.name == "gap" and str(issue.arguments[0]) == "no_recommended":
        return decision.disposition.recommended is None
    if issue.name == "conflict":
        return any(c.conclusion == str(issue.arguments[0]) for c in decision.conflicts)
    return True


def _witness(program: Program, ctl: clingo.Control, literal: int, issue: clingo.Symbol,
             properties: Path | None) -> Witness | None:
    conf: Any = ctl.configuration
    conf.solve.opt_mode = "optN"
    conf.solve.models = str(WITNESS_TRIES)
    optimal: list[Any] = []
    with ctl.solve(assumptions=[literal], yield_=True) as handle:
        for model in handle:
            if model.optimality_proven:
                optimal.append((_assignment(program, model),
                                sorted(str(s.arguments[0]) for s in model.symbols(atoms=True)
                                       if s.name == "holds"
                                       and s.arguments[0] in program.input_by_term)))
    conf.solve.opt_mode = "opt"
    conf.solve.models = "1"
    if not optimal:
        return None
    note = None
    for assignment, inputs in optimal:
        try:
            case = witness_case(program, assignment)
        except Unrealisable as error:
            note = f"unrealisable by dates: {error.reason}"
            continue
        from .explain import explain_case

        replayed = _replays(program, case, issue, properties)
        return Witness(inputs, case, replayed, explain_case(case, defaults=False))
    return Witness(optimal[0][1], None, False, None, note)


def check_program(program: Program, properties: Path | None = None, *,
                  witnesses: bool = True) -> CheckResult:
    """Every question of the module's words about ``program``, each one solve; ``properties``
    is a properties file (by default the pack's ``properties.lp``, if any)."""
    start = time.perf_counter()
    if properties is None:
        properties = default_properties(program)
    elif not properties.is_file():
        raise RulepathError("properties", f"{properties}: no such file")
    ctl = _control(program, properties)
    props = _properties(ctl, properties)
    result = CheckResult(program.pack.id, program.version.id, list(program.overlays),
                         None if properties is None else str(properties), 0,
                         properties=props)
    conf: Any = ctl.configuration
    conf.solve.opt_mode = "ignore"
    if not ctl.solve().satisfiable:  # a constraint in the properties emptied the space
        raise RulepathError("properties", f"{properties}: no scenario is left (a constraint "
                            "rules out every one; write violation/1 rules instead)")
    by_id = {p.id: p for p in props}
    for kind, qid, term in _questions(program, props):
        atom = ctl.symbolic_atoms[clingo.Function("rp_issue", [term])]
        if atom is None:
            continue  # not even grounded: no scenario can have it
        result.questions += 1
        if not ctl.solve(assumptions=[atom.literal]).satisfiable:
            continue
        if kind == "gap":
            finding = Finding("gap", qid, GAP_TEXT.get(qid, f"no value for {qid[8:-1]}, "
                                                         "whose cardinality is one"))
            result.gaps.append(finding)
        elif kind == "conflict":
            finding = Finding("conflict", qid, f"{qid} takes two values, though at most one "
                                               "is allowed")
            result.conflicts.append(finding)
        else:
            prop = by_id[qid]
            prop.holds = False
            finding = Finding("violation", qid, prop.text, prop.cite)
            result.violations.append(finding)
        if witnesses:
            conf.solve.opt_mode = "opt"
            finding.witness = _witness(program, ctl, atom.literal, term, properties)
            conf.solve.opt_mode = "ignore"
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def check(
    pack: str | None = None,
    *,
    version: str | None = None,
    as_of: date | str | None = None,
    overlays: Sequence[str] = (),
    properties: str | Path | None = None,
    witnesses: bool = True,
) -> CheckResult:
    """Check a pack version (``version``, or the one in force ``as_of``, by default today)
    with ``overlays``: its gaps, cardinality conflicts and declared properties
    (``properties``: a file; by default the pack's ``properties.lp``)."""
    from .pack import load_pack
    from .program import program_for

    if version is not None and as_of is not None:
        raise RulepathError("as_of", "as_of and version exclude each other")
    loaded = load_pack(pack)
    for overlay in overlays:
        if overlay not in loaded.overlays:
            raise RulepathError("overlay", f"unknown overlay {overlay!r} of {loaded.id}")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise RulepathError("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)") from None
    chosen = loaded.version_for(as_of or date.today(), version)
    program = program_for(loaded, chosen, tuple(dict.fromkeys(overlays)))
    return check_program(program, None if properties is None else Path(properties),
                         witnesses=witnesses)
