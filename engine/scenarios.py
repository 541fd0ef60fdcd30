"""The scenario space of a pack: its fully known cases, counted and sampled by clingo.

A scenario is an assignment of every input term of a program (``logic/core/scenarios.lp``
says which assignments are scenarios and why: enums take one value, defaults are off, the
timely inputs agree with what dates can give). The space is explored by clingo only:

* :func:`count_scenarios` counts the projected models of the scenario program. The space is
  far too large to enumerate (2^60 and more), so it is counted exactly by independence: the
  ground program's constraints are traced back to the input atoms they rest on, those
  atoms fall into independent groups, an input in no group is free (a factor of 2), and each
  group is counted by clingo's projected enumeration with every other input held fixed.
* :func:`sample_scenarios` draws scenarios by clingo's random heuristics (``--rand-freq=1``,
  random signs, a seed), so a seed reproduces its draw.
* :func:`witness_case` writes a scenario as a case file (a mapping, ready for YAML) whose
  facts, as the engine reads them, are the scenario; dates are synthesised by a small search
  over offsets and checked with the engine's own measuring (:mod:`facts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import clingo

from .casefile import case_from_mapping
from .deadlines import due_date, judge
from .errors import RulepathError
from .facts import case_facts
from .pack import logic_root
from .program import DeadlineDecl, Program
from .schema import FieldSpec

Assignment = dict[clingo.Symbol, bool | None]  # input term -> value (None: unknown)

# The most models one independent group may have before counting gives up.
GROUP_LIMIT = 1_000_000


def scenarios_file() -> str:
    return str(logic_root() / "core" / "scenarios.lp")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def schema_facts(program: Program) -> str:
    """The case.toml declarations scenarios.lp reads (``scenario_implied/2``,
    ``scenario_not_before/2``), as facts."""
    schema = program.pack.case_schema()
    lines = [
        f"scenario_implied({_quote(f.path)}, {_quote(f.implied_by)})."
        for f in schema.fields
        if f.implied_by is not None
    ]
    lines += [
        f"scenario_not_before({_quote(c.field)}, {_quote(c.earlier)})."
        for c in schema.checks
        if c.kind == "not_before" and c.earlier is not None
    ]
    return "\n".join(lines)


def scenario_control(
    program: Program,
    args: tuple[str, ...] = (),
    observer: Any = None,
) -> clingo.Control:
    """A new Control grounding ``program``'s files with the scenario constraints: its models,
    projected on ``holds/1`` of the input terms, are the program's scenarios."""
    ctl = clingo.Control(["--warn=none", *args])
    if observer is not None:
        ctl.register_observer(observer)
    for path in program.files:
        ctl.load(str(path))
    ctl.load(scenarios_file())
    ctl.add("scenario_schema", [], schema_facts(program))
    ctl.ground([("base", []), ("scenario_schema", [])])
    return ctl


def _literals(ctl: clingo.Control, program: Program) -> dict[clingo.Symbol, int]:
    out = {}
    for d in program.inputs:
        atom = ctl.symbolic_atoms[clingo.Function("holds", [d.term])]
        if atom is None:
            raise AssertionError(f"input atom holds({d.term}) was not grounded")
        out[d.term] = atom.literal
    return out


class _Rules:
    """The ground rules of a program, as a ground program observer sees them."""

    def __init__(self) -> None:
        self.rules: list[tuple[bool, list[int], list[int]]] = []  # (choice, head, body)

    def rule(self, choice: bool, head: list[int], body: list[int]) -> None:
        self.rules.append((choice, list(head), list(body)))

    def weight_rule(
        self, choice: bool, head: list[int], lower_bound: int, body: list[tuple[int, int]]
    ) -> None:
        self.rules.append((choice, list(head), [lit for lit, _ in body]))


@dataclass
class Count:
    """The size of a program's scenario space."""

    known: int  # fully known scenarios
    groups: list[tuple[list[str], int]]  # independent constrained groups: inputs, count
    free: list[str]  # inputs no constraint reaches (a factor of 2 each)
    kinds: dict[str, int]  # input terms by kind
    fields: dict[str, int]  # case fields read, by type of input
    with_unknowns: int  # the cases when any field may also be unknown (formula below)
    formula: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fully_known": self.known,
            "fully_known_log10": round(math.log10(self.known), 3) if self.known else None,
            "inputs_by_kind": self.kinds,
            "free_inputs": len(self.free),
            "groups": [{"inputs": g, "scenarios": n} for g, n in self.groups],
            "with_unknowns": self.with_unknowns,
            "with_unknowns_log10": round(math.log10(self.with_unknowns), 3),
            "with_unknowns_formula": self.formula,
            **self.extra,
        }


def _groups(program: Program) -> tuple[clingo.Control, list[list[clingo.Symbol]],
                                        list[clingo.Symbol]]:
    """Ground the scenario program (projected) and split its inputs into independent groups
    (each reached by some constraint) and free inputs."""
    observer = _Rules()
    ctl = scenario_control(program, ("--project",), observer)
    lits = _literals(ctl, program)
    by_lit = {lit: term for term, lit in lits.items()}
    # atoms fixed false in every scenario: defaults_on and the unknowns of untimed inputs
    false: set[int] = set()
    for d in program.inputs:
        if d.kind != "timely":
            found = ctl.symbolic_atoms[clingo.Function("holds", [clingo.Function("unknown",
                                                                                 [d.term])])]
            if found is not None:
                false.add(found.literal)
    on = ctl.symbolic_atoms[clingo.Function("holds", [clingo.Function("defaults_on")])]
    if on is not None:
        false.add(on.literal)
    defs, live = live_definitions(observer.rules, false, by_lit)
    split = InputGroups(defs, live, by_lit)
    constrained = split.constrained
    groups = [[by_lit[lit] for lit in group] for group in split.groups]
    free = [d.term for d in program.inputs if lits[d.term] not in constrained]
    return ctl, groups, free


def live_definitions(
    rules: list[tuple[bool, list[int], list[int]]], false: set[int], inputs: Container[int]
) -> tuple[dict[int, list[list[int]]], list[tuple[bool, list[int], list[int]]]]:
    """The bodies that can define each ground atom, given atoms known false (``false`` grows:
    an atom only dead rules define is false too; an input's own choice is no definition), and
    the rules still alive."""
    changed = True
    while changed:
        changed = False
        alive: set[int] = set()
        for _choice, head, body in rules:
            if not any(b in false for b in body if b > 0):
                alive.update(head)
        defined = {h for _, head, _ in rules for h in head}
        for atom in defined - alive - false:
            false.add(atom)
            changed = True
    live = [(c, h, b) for c, h, b in rules if not any(x in false for x in b if x > 0)]
    defs: dict[int, list[list[int]]] = {}
    for choice, head, body in live:
        for h in head:
            if choice and h in inputs:
                continue
            defs.setdefault(h, []).append(body)
    return defs, live


class InputGroups:
    """The input atoms tied together by the ground program's constraints, in independent
    groups: each integrity constraint ties the inputs its body rests on, and an input some rule
    also derives is tied to what that rule rests on. An input in no group is free."""

    def __init__(
        self,
        defs: Mapping[int, list[list[int]]],
        live: list[tuple[bool, list[int], list[int]]],
        inputs: Container[int],
    ) -> None:
        self.defs, self.inputs = defs, inputs
        self._support: dict[int, frozenset[int]] = {}
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        sets = [frozenset().union(*(self.support(abs(x)) for x in body))
                for choice, head, body in live if not head and not choice]
        sets += [self.support(atom) | {atom} for atom in defs if atom in inputs]
        self.constrained: set[int] = set()
        for group in sets:
            items = sorted(group)
            self.constrained.update(items)
            for x in items[1:]:
                parent[find(x)] = find(items[0])
        by_root: dict[int, list[int]] = {}
        for lit in sorted(self.constrained):
            by_root.setdefault(find(lit), []).append(lit)
        self.groups: list[list[int]] = list(by_root.values())  # each sorted by literal

    def support(self, atom: int) -> frozenset[int]:
        """The input atoms an atom's truth rests on."""
        found = self._support.get(atom)
        if found is not None:
            return found
        seen: set[int] = set()
        stack = [atom]
        out: set[int] = set()
        while stack:
            a = stack.pop()
            if a in seen:
                continue
            seen.add(a)
            if a in self.inputs:
                out.add(a)
            for body in self.defs.get(a, ()):
                stack.extend(abs(x) for x in body)
        self._support[atom] = frozenset(out)
        return self._support[atom]


def count_scenarios(program: Program) -> Count:
    """The fully known scenarios of a program, counted exactly (see the module's words)."""
    ctl, groups, free = _groups(program)
    lits = _literals(ctl, program)
    ctl.configuration.solve.models = "0"  # type: ignore[union-attr]
    base: list[clingo.Symbol] | None = None
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            base = [s.arguments[0] for s in model.symbols(atoms=True) if s.name == "holds"]
            break
    total = 0
    counted: list[tuple[list[str], int]] = []
    if base is not None:
        true = set(base)
        total = 2 ** len(free)
        for group in groups:
            members = set(group)
            fixed = [
                (lits[d.term] if d.term in true else -lits[d.term])
                for d in program.inputs
                if d.term not in members
            ]
            n = 0
            with ctl.solve(assumptions=fixed, yield_=True) as handle:
                for _ in handle:
                    n += 1
                    if n > GROUP_LIMIT:
                        raise RulepathError("count", f"a group of {len(group)} inputs has "
                                            f"more than {GROUP_LIMIT} scenarios")
            counted.append((sorted(str(t) for t in group), n))
            total *= n
    kinds: dict[str, int] = {}
    for d in program.inputs:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    unknowns, formula, fields = _with_unknowns(program)
    return Count(total, counted, [str(t) for t in free], kinds, fields, unknowns, formula)


def _with_unknowns(program: Program) -> tuple[int, str, dict[str, int]]:
    """How unknowns multiply the space: each case field may also be unknown. Counted per
    field, as a case file can state it, with the scenario constraints left aside: a
    two-valued input (bool, present, over, timely) has 3 states, an enum of k values k + 1,
    a set of m member inputs (declared members and "other") 2^m + 1."""
    twos = sum(1 for d in program.inputs if d.kind in ("bool", "present", "over", "timely"))
    enums: dict[str, int] = {}
    sets: dict[str, int] = {}
    for d in program.inputs:
        if d.kind == "value":
            enums[d.path] = enums.get(d.path, 0) + 1
        elif d.kind in ("member", "other"):
            sets[d.path] = sets.get(d.path, 0) + 1
    total = 3**twos
    for k in enums.values():
        total *= k + 1
    for m in sets.values():
        total *= 2**m + 1
    parts = [f"3^{twos}"]
    parts += [f"({k}+1)" for k in sorted(enums.values())]
    parts += [f"(2^{m}+1)" for m in sorted(sets.values())]
    fields = {"two_valued": twos, "enum": len(enums), "set": len(sets)}
    return total, " * ".join(parts), fields


# --- sampling ---------------------------------------------------------------------------


def _assignment(program: Program, model: clingo.Model) -> Assignment:
    out: Assignment = {d.term: False for d in program.inputs}
    for s in model.symbols(atoms=True):
        if s.name != "holds" or len(s.arguments) != 1:
            continue
        term = s.arguments[0]
        if term in out:
            if out[term] is False:
                out[term] = True
        elif term.name == "unknown" and term.arguments and term.arguments[0] in out:
            out[term.arguments[0]] = None
    # an unknown's value atom is fixed false: unknown wins over it
    for s in model.symbols(atoms=True):
        if s.name == "holds" and s.arguments[0].name == "unknown":
            inner = s.arguments[0].arguments[0]
            if inner in out:
                out[inner] = None
    return out


def sample_scenarios(program: Program, n: int, seed: int) -> Iterator[Assignment]:
    """``n`` scenarios drawn by clingo's random heuristics under ``seed`` (reproducible)."""
    ctl = scenario_control(program, ("--rand-freq=1", "--sign-def=rnd", f"--seed={seed}"))
    for _ in range(n):
        found: Assignment | None = None
        with ctl.solve(yield_=True) as handle:
            for model in handle:
                found = _assignment(program, model)
                break
        if found is None:
            return
        yield found


# --- witnesses --------------------------------------------------------------------------


class Unrealisable(RulepathError):
    """A scenario no dates (or field values) can give."""

    def __init__(self, reason: str) -> None:
        super().__init__("scenario", reason)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[name] = value


def _other_member(spec: FieldSpec, declared: set[str]) -> str:
    """A member of a set field that the pack does not declare."""
    if spec.pattern is None:
        raise Unrealisable(f"{spec.path}: no member outside the declared ones is allowed")
    form = spec.pattern_hint.form if spec.pattern_hint and spec.pattern_hint.form else None
    candidates = [form.replace("{number}", str(n)) for n in range(99, 0, -1)] if form else []
    candidates += [f"x{n}" for n in range(10)]
    for c in candidates:
        if c not in declared and re.search(spec.pattern, c):
            return c
    raise Unrealisable(f"{spec.path}: found no undeclared member matching {spec.pattern}")


def _met(decl: DeadlineDecl, anchor: date, event: date) -> bool:
    """The engine's own judgement of a deadline on two dates."""
    return judge(decl, anchor, due_date(decl, anchor), event, None) == "met"


def _search_dates(
    program: Program,
    given: list[str],
    want: dict[str, bool],
    not_before: list[tuple[str, str]],
    base: date,
    budget: int = 20000,
) -> dict[str, date]:
    """Dates for the fields ``given`` under which each deadline of ``want`` is met or missed
    as wanted (and no date is before one it may not precede): a backtracking search over a
    few candidate offsets per date, the candidates read off the deadlines' own due dates."""
    decls = {d: program.deadlines[d] for d in want}
    touching: dict[str, list[DeadlineDecl]] = {p: [] for p in given}
    for decl in decls.values():
        for p in (decl.event, decl.anchor):
            touching.setdefault(p, []).append(decl)
    order: list[str] = []
    rest = sorted(given, key=lambda p: (-len(touching.get(p, ())), p))
    while rest:  # each next date linked to one already placed, when there is one
        linked = [p for p in rest if any(
            (d.anchor if d.event == p else d.event) in order for d in touching.get(p, ()))]
        nxt = linked[0] if linked else rest[0]
        order.append(nxt)
        rest.remove(nxt)
    steps = [0]

    def ok(dates: dict[str, date]) -> bool:
        for decl in decls.values():
            a, e = dates.get(decl.anchor), dates.get(decl.event)
            if a is not None and e is not None and _met(decl, a, e) != want[decl.id]:
                return False
        for later, earlier in not_before:
            x, y = dates.get(later), dates.get(earlier)
            if x is not None and y is not None and x < y:
                return False
        return True

    def candidates(p: str, dates: dict[str, date]) -> list[date]:
        out: list[date] = []
        for decl in touching.get(p, ()):
            if decl.event == p and decl.anchor in dates:
                due = due_date(decl, dates[decl.anchor])
                out += [due + timedelta(days=k) for k in (0, -1, 1, -3, 3)]
            elif decl.anchor == p and decl.event in dates:
                span = decl.days * (2 if decl.unit == "court_days" else 1) + 5
                sign = -1 if decl.direction == "after" else 1
                centre = dates[decl.event] + timedelta(days=sign * decl.days)
                out += [centre + timedelta(days=k) for k in range(-span, span + 1)]
        if not out:
            out = [base + timedelta(days=k) for k in (0, 30, -30, 60)]
        return list(dict.fromkeys(out))

    def place(i: int, dates: dict[str, date]) -> dict[str, date] | None:
        if i == len(order):
            return dict(dates)
        p = order[i]
        for day in candidates(p, dates):
            steps[0] += 1
            if steps[0] > budget:
                return None
            dates[p] = day
            if ok(dates):
                found = place(i + 1, dates)
                if found is not None:
                    return found
            del dates[p]
        return None

    found = place(0, {})
    if found is None:
        raise Unrealisable("no dates give these timely values: "
                           + ", ".join(f"{d}={'met' if v else 'missed'}"
                                       for d, v in sorted(want.items())))
    return found


def witness_case(program: Program, assignment: Mapping[clingo.Symbol, bool | None]) -> dict[
        str, Any]:
    """A case file (as a mapping) whose facts, as the engine reads them, are ``assignment``
    (every input term of ``program``: True, False, or None for an unknown timely input).
    Raises :class:`Unrealisable` when no case gives it; the result is checked by reading it
    back with the engine's own :func:`facts.case_facts`."""
    schema = program.pack.case_schema()
    specs = {f.path: f for f in schema.fields}
    base = program.version.in_force_from + timedelta(days=60)
    data: dict[str, Any] = {
        "format": "rulepath/case-1",
        "as_of": (base + timedelta(days=120)).isoformat(),
        "rule": program.pack.id,
        "rule_version": program.version.id,
    }
    if program.overlays:
        data["overlays"] = list(program.overlays)
    flat: dict[str, Any] = {}
    members: dict[str, list[str]] = {}
    declared: dict[str, set[str]] = {}
    absent: set[str] = set()
    for d in program.inputs:
        if d.kind == "member":
            declared.setdefault(d.path, set()).add(str(d.value))
    for d in program.inputs:
        value = assignment.get(d.term)
        if d.kind == "timely":
            continue
        if value is None:
            raise Unrealisable(f"{d.term} is unknown: a scenario knows its case fields")
        if d.kind == "bool":
            flat[d.path] = value
        elif d.kind == "present":
            if not value:
                absent.add(d.path)
                flat[d.path] = None
        elif d.kind == "value":
            if value:
                flat[d.path] = d.value
        elif d.kind == "member":
            members.setdefault(d.path, [])
            if value:
                members[d.path].append(str(d.value))
        elif d.kind == "other":
            members.setdefault(d.path, [])
            if value:
                members[d.path].append(_other_member(specs[d.path], declared.get(d.path, set())))
        elif d.kind == "over":
            limit = int(d.value or 0)
            flat[d.path] = limit + 1 if value else limit
    flat.update(members)
    for spec in schema.fields:  # a false field a date would imply true: no date
        if spec.implied_by is not None and flat.get(spec.path) is False:
            absent.add(spec.implied_by)
    want: dict[str, bool] = {}
    dated: set[str] = set()
    for d in program.inputs:
        if d.kind != "timely":
            continue
        decl = program.deadlines[str(d.value)]
        value = assignment.get(d.term)
        if value is None:
            if decl.event not in absent and decl.anchor not in absent:
                raise Unrealisable(f"{d.term} is unknown though both its dates are given")
            continue
        if decl.event in absent or decl.anchor in absent:
            raise Unrealisable(f"{d.term} is known though a date it needs is absent")
        want[decl.id] = bool(value)
        dated.update((decl.event, decl.anchor))
    for d in program.inputs:  # a date stated present gets one
        found_spec = specs.get(d.path)
        if d.kind == "present" and assignment.get(d.term) and found_spec is not None \
                and found_spec.type == "date":
            dated.add(d.path)
    not_before = [(c.field, c.earlier) for c in schema.checks
                  if c.kind == "not_before" and c.earlier is not None]
    dates = _search_dates(program, sorted(dated), want, not_before, base)
    for path, day in dates.items():
        flat[path] = day.isoformat()
    for path, value in flat.items():
        _set_path(data, path, value)
    _verify(program, data, assignment)
    return data


def _verify(program: Program, data: dict[str, Any],
            assignment: Mapping[clingo.Symbol, bool | None]) -> None:
    case = case_from_mapping(data)
    facts = case_facts(program, case, defaults=False)
    for d in program.inputs:
        got = facts.known.get(d)
        if got != assignment.get(d.term):
            raise Unrealisable(f"{d.term}: the written case gives {got}, the scenario "
                               f"{assignment.get(d.term)}")


def scenario_atoms(program: Program, assignment: Mapping[clingo.Symbol, bool | None]
                   ) -> set[clingo.Symbol]:
    """The atoms of the scenario's one model in the scenario program (route, ready, ...)."""
    ctl = scenario_control(program)
    lits = _literals(ctl, program)
    unknown = {}
    for d in program.inputs:
        atom = ctl.symbolic_atoms[clingo.Function("holds", [clingo.Function("unknown",
                                                                            [d.term])])]
        if atom is not None:
            unknown[d.term] = atom.literal
    assumptions = []
    for d in program.inputs:
        value = assignment.get(d.term)
        assumptions.append(unknown[d.term] if value is None else -unknown[d.term])
        assumptions.append(lits[d.term] if value else -lits[d.term])
    atoms: set[clingo.Symbol] = set()
    with ctl.solve(assumptions=assumptions, yield_=True) as handle:
        for model in handle:
            atoms = set(model.symbols(shown=True))
            break
    return atoms


def write_samples(program: Program, n: int, seed: int, directory: Path) -> dict[str, Any]:
    """Draw ``n`` scenarios (:func:`sample_scenarios`) and write each one dates can give as
    ``scenario-<seed>-<i>.yaml`` in ``directory``; the others are reported and skipped."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    skipped: list[dict[str, Any]] = []
    for i, assignment in enumerate(sample_scenarios(program, n, seed), 1):
        try:
            data = witness_case(program, assignment)
        except Unrealisable as error:
            skipped.append({"index": i, "reason": error.reason})
            continue
        path = directory / f"scenario-{seed}-{i:04d}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        written.append(str(path))
    return {"written": len(written), "unrealisable": len(skipped), "files": written,
            "skipped": skipped}
