"""Which question to ask next, and which facts would determine a conclusion, computed from
the logic.

Unknown is a value: a decision says what holds in every completion of the unknown facts and
what holds in some only. A question is worth asking when some answer to it changes an output
of interest. For each case field the rules read and the case leaves unknown,
:func:`next_questions` decides the case with each of its possible answers filled in and
counts the outputs of interest each changes: an open one it determines, or, for the outputs
the pack declares revisable, a determined one it decides otherwise (the rule's presumptions
are defeasible: a stated fact defeats a presumption a conclusion rests on, or is a date a
deadline needs given). A field none of whose answers changes one is never asked. The outputs
of interest are the pack's ``[interview] outputs`` (in its ``pack.toml``: names of its
declared outputs, ``output/5``; every declared output when it names none), the revisable ones
its ``[interview] revisable`` (all of them when it names none).

The possible answers of a field are concrete values, filled into the case and measured and
solved as any case is (a field's answers that give the same solver assumptions are one
answer): yes and no; each value of an enum; the subsets of a set's members (the empty set,
each member alone and all of them when there are too many subsets); for a date, a date on
either side of every day where one of the deadlines measured with it turns from met to missed
(counted from the dates the case gives), and ``null`` where an explicit null says "none"; for
a number, the values on either side of each threshold and each turn of a deadline. A date
measured against another date the case does not give yet changes nothing alone; it is asked
when its deadline's turning would change something, ranked as a question that takes two
answers. Each hypothetical case is one solve call on the grounded program every decision
shares (:class:`Solver`).

:func:`determining_sets` answers the converse question for ``rulepath decide --ask``: for each
undetermined conclusion of a decision, the smallest sets of the facts it depends on that
determine it whatever their values (every combination of their answers decided), searched by
size, 1 then 2 then 3, within a bound on the combinations and the time.

:class:`Interview` keeps an interview's state (the case so far, the fields answered unknown,
what ``back`` undoes) for ``rulepath interview`` and the benchmark. Nothing here names a pack,
a field or an output of one.
"""

from __future__ import annotations

import itertools
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

import clingo
from pydantic import BaseModel

from . import calendar
from .api import AmendInput, as_case, as_of_for, program_for_case
from .casefile import Case, case_from_mapping
from .deadlines import due_date, judge
from .decision import Decision, DeterminingSets
from .decode import decode_dict, decode_tables
from .errors import CaseError, PackError
from .facts import plan_for
from .paths import resolve_parts
from .program import DeadlineDecl, InputDecl, Program, solve_config
from .reader import Reading
from .schema import CheckSpec, FieldSpec
from .solve import Consequences, InconsistentCase, solve

# A set with more subsets than this is answered by its representative subsets only.
MAX_SUBSETS = 32
# Determining sets: the largest size searched, the most combinations of answers one set may
# have, and the time one decision's search may take (seconds).
MAX_SIZE = 3
MAX_COMBINATIONS = 256
BUDGET_SECONDS = 5.0

# --- the pack's fields as questions -------------------------------------------------------


@dataclass(frozen=True)
class FieldInfo:
    """One case field the rules read: the inputs it sets and the deadlines measured with it."""

    path: str
    spec: FieldSpec
    order: int  # its place in the pack's case format
    parts: tuple[str, ...]
    terms: tuple[InputDecl, ...]  # the inputs read from it (not the measured deadlines)
    deadlines: tuple[DeadlineDecl, ...]  # the deadlines it is an anchor, event or count of
    nullable: bool  # an explicit null is an answer ("none": an input reads whether it is given)
    implies: tuple[tuple[str, ...], ...]  # the fields a value here implies true
    members: tuple[str, ...]  # a set's members to answer with (declared, then one undeclared)
    declared: tuple[str, ...]  # a set's members the rules declare (what a prompt lists)
    thresholds: tuple[int, ...]  # the numbers an input compares it with


@dataclass(frozen=True)
class Model:
    """The questions a program can ask: its fields, outputs of interest and deadlines."""

    fields: dict[str, FieldInfo]
    interest: frozenset[str]
    revisable: frozenset[str]  # the determined outputs an answer may still change
    timely: dict[str, clingo.Symbol]  # deadline id -> its input term
    literals: tuple[tuple[int, str], ...]  # the solver literal of each output of interest
    checks: tuple[CheckSpec, ...]  # the case format's cross-field checks


def _declared(program: Program, key: str) -> frozenset[str] | None:
    """A list of declared outputs' names at ``[interview] key`` of the pack's manifest; None
    when the pack does not declare it. A name the program does not declare is a
    :class:`PackError`."""
    path = program.pack.root / "pack.toml"
    try:
        with path.open("rb") as handle:
            manifest = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(str(path), f"cannot read the manifest: {error}") from None
    declared = manifest.get("interview", {}).get(key)
    if declared is None:
        return None
    if not isinstance(declared, list) or not all(isinstance(n, str) for n in declared):
        raise PackError(str(path), f"[interview] {key} must be a list of output names")
    unknown = sorted(set(declared) - set(program.outputs))
    if unknown:
        known = ", ".join(sorted(program.outputs))
        raise PackError(
            str(path), f"[interview] {key} names no declared output: {', '.join(unknown)} "
            f"(declared: {known})")
    return frozenset(declared)


def outputs_of_interest(program: Program) -> frozenset[str]:
    """The outputs an interview works to determine: the pack's ``[interview] outputs`` (each a
    declared output's name), else every declared output."""
    declared = _declared(program, "outputs")
    return frozenset(program.outputs) if declared is None else declared


def outputs_revisable(program: Program) -> frozenset[str]:
    """The outputs of interest whose determined values an interview still questions. With the
    rule's presumptions on, a stated fact can change a determined conclusion: it defeats a
    presumption the conclusion rests on, or it is a fact a rule needs stated (a deadline that
    applies only to a date given). A question whose answer would change one of these outputs
    so is asked too. The pack's ``[interview] revisable`` (within ``outputs``), else all of
    them."""
    interest = outputs_of_interest(program)
    declared = _declared(program, "revisable")
    return interest if declared is None else declared & interest


def _other_member(spec: FieldSpec, declared: set[str]) -> str | None:
    """A member of a pattern set that the rules do not declare (to answer "another")."""
    import re

    if spec.pattern is None:
        extra = [v for v in spec.values if v not in declared]
        return extra[0] if extra else None
    hint = spec.pattern_hint
    tries: list[str] = []
    if hint is not None and hint.form is not None:
        tries += [hint.form.replace("{number}", str(n)) for n in range(1, 100)]
    if hint is not None and hint.example is not None:
        tries.append(hint.example)
    for value in tries:
        if value not in declared and re.search(spec.pattern, value):
            return value
    return None


def _build_model(program: Program) -> Model:
    schema = program.pack.case_schema()
    by_path: dict[str, list[InputDecl]] = {}
    timely: dict[str, clingo.Symbol] = {}
    for d in program.inputs:
        if d.kind == "timely":
            timely[str(d.value)] = d.term
        else:
            by_path.setdefault(d.path, []).append(d)
    measured: dict[str, list[DeadlineDecl]] = {}
    for decl in program.deadlines.values():
        for path in (decl.anchor, decl.event, decl.interval):
            if path is not None:
                measured.setdefault(path, []).append(decl)
    implied: dict[str, list[tuple[str, ...]]] = {}
    for spec in schema.fields:
        if spec.implied_by is not None:
            implied.setdefault(spec.implied_by, []).append(tuple(spec.path.split(".")))
    fields: dict[str, FieldInfo] = {}
    for order, spec in enumerate(schema.fields):
        terms = tuple(by_path.get(spec.path, ()))
        deadlines = tuple(measured.get(spec.path, ()))
        if not spec.read or not (terms or deadlines):
            continue
        members: tuple[str, ...] = ()
        listed: tuple[str, ...] = ()
        if spec.type == "set":
            declared = [str(d.value) for d in terms if d.kind == "member"]
            ordered = [v for v in spec.values if v in declared] + [
                v for v in declared if v not in spec.values]
            other = None
            if any(d.kind == "other" for d in terms):
                other = _other_member(spec, set(declared))
            members = tuple(ordered) + ((other,) if other is not None else ())
            # a prompt lists a pattern set's declared members, not the one made up to stand for
            # "another"
            listed = members if spec.pattern is None else tuple(ordered)
        fields[spec.path] = FieldInfo(
            path=spec.path,
            spec=spec,
            order=order,
            parts=tuple(spec.path.split(".")),
            terms=terms,
            deadlines=deadlines,
            nullable=any(d.kind == "present" for d in terms),
            implies=tuple(implied.get(spec.path, ())),
            members=members,
            declared=listed,
            thresholds=tuple(sorted({int(d.value) for d in terms
                                     if d.kind == "over" and isinstance(d.value, int)})),
        )
    interest = outputs_of_interest(program)
    arity = {name: program.outputs[name].arity for name in interest}
    literals = []
    for atom in program.control.symbolic_atoms.by_signature("holds", 1):
        term = atom.symbol.arguments[0]
        if (term.type == clingo.SymbolType.Function and term.name in arity
                and len(term.arguments) == arity[term.name]):
            literals.append((atom.literal, str(term)))
    return Model(fields, interest, outputs_revisable(program), timely, tuple(sorted(literals)),
                 schema.checks)


def model_for(program: Program) -> Model:
    """The question model of a program, built once per program."""
    return program.derived("questions.model", _build_model)


# --- a case with one more value -------------------------------------------------------------


def _put(node: BaseModel, parts: Sequence[str], value: Any) -> BaseModel:
    """``node`` with the field at ``parts`` set to ``value`` (no validation: the caller checks
    what the case model would)."""
    head, rest = parts[0], parts[1:]
    if not rest:
        return node.model_copy(update={head: value})
    child = getattr(node, head)
    return node.model_copy(update={head: _put(child, rest, value)})


def with_value(case: Case, info: FieldInfo, value: Any,
               checks: Sequence[CheckSpec] = ()) -> Case | None:
    """The case with ``value`` at the field (and the fields it implies set true), or None when
    the case model would refuse it (a field it implies is false, or one of the cross-field
    ``checks`` on dates and counts fails)."""
    out: BaseModel = _put(case, info.parts, value)
    if value is not None:
        for parts in info.implies:
            given = resolve_parts(out, parts)
            if given is False:
                return None
            if given is None:
                out = _put(out, parts, True)
    result = cast(Case, out)
    return result if _checks_hold(result, checks) else None


def _checks_hold(case: Case, checks: Sequence[CheckSpec]) -> bool:
    """The case format's cross-field checks on dates and counts (as the case model runs
    them)."""
    for c in checks:
        given = resolve_parts(case, tuple(c.field.split(".")))
        if given is None:
            continue
        if c.kind == "not_before" and c.earlier is not None:
            earlier = resolve_parts(case, tuple(c.earlier.split(".")))
            if isinstance(earlier, date) and isinstance(given, date) and given < earlier:
                return False
        elif c.start is not None and c.to is not None:
            start = resolve_parts(case, tuple(c.start.split(".")))
            to = resolve_parts(case, tuple(c.to.split(".")))
            if isinstance(start, date) and isinstance(to, date) and given != (to - start).days:
                return False
    return True


def _is_date(value: object) -> bool:
    return isinstance(value, date)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def unknown(case: Case, info: FieldInfo) -> bool:
    """Whether the case leaves the field unknown (absent, or null where null is unknown)."""
    if resolve_parts(case, info.parts) is not None:
        return False
    if not info.nullable:
        return True
    parent = resolve_parts(case, info.parts[:-1]) if len(info.parts) > 1 else case
    return not (isinstance(parent, BaseModel) and info.parts[-1] in parent.model_fields_set)


def candidates(info: FieldInfo, case: Case) -> list[Any]:
    """The concrete answers to try for a field of ``case`` (see the module's docstring)."""
    spec = info.spec
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.values)
    if spec.type == "set":
        members = info.members
        if 2 ** len(members) <= MAX_SUBSETS:
            return [
                tuple(m for i, m in enumerate(members) if mask >> i & 1)
                for mask in range(2 ** len(members))
            ]
        return [(), *((m,) for m in members), tuple(members)]
    if spec.type == "date":
        out: list[Any] = _date_candidates(info, case)
    elif spec.type in ("count", "int"):
        out = _count_candidates(info, case)
    else:
        return []
    if info.nullable:
        out.append(None)  # an explicit null: "there is none"
    return out


def _term_values(info: FieldInfo, value: Any) -> dict[clingo.Symbol, bool]:
    """The value of each input read from the field when it holds ``value`` (as
    :mod:`rulepath.engine.facts` reads a case; None is an explicit null)."""
    declared = {str(d.value) for d in info.terms if d.kind == "member"}
    out: dict[clingo.Symbol, bool] = {}
    for d in info.terms:
        if d.kind == "present":
            out[d.term] = value is not None
        elif value is None:
            continue
        elif d.kind == "bool":
            out[d.term] = bool(value)
        elif d.kind == "value":
            out[d.term] = value == d.value
        elif d.kind == "member":
            out[d.term] = d.value in value
        elif d.kind == "other":
            out[d.term] = any(m not in declared for m in value)
        elif d.kind == "over" and isinstance(d.value, int):
            out[d.term] = value > d.value
    return out


def _span(decl: DeadlineDecl) -> int:
    """Days either side of a counterpart date where the deadline can turn (generously)."""
    return 2 * decl.days + 14


def _date_candidates(info: FieldInfo, case: Case) -> list[Any]:
    """A day on either side of each turn from met to missed of a deadline measured against a
    date the case gives, else one plain date (the day of evaluation)."""
    days: set[date] = set()
    for decl in info.deadlines:
        if decl.event == info.path:
            anchor = resolve_parts(case, tuple(decl.anchor.split(".")))
            if _is_date(anchor):
                due = due_date(decl, anchor)
                days.update(due + timedelta(days=n) for n in (-1, 0, 1))
        elif decl.anchor == info.path:
            event = resolve_parts(case, tuple(decl.event.split(".")))
            if not _is_date(event):
                continue
            span = _span(decl)
            previous: str | None = None
            for n in range(-span, span + 1):
                day = event + timedelta(days=n)
                try:
                    status = judge(decl, day, due_date(decl, day), event, None)
                except (ValueError, OverflowError):  # past the calendar's range
                    continue
                if previous is not None and status != previous:
                    days.update((day - timedelta(days=1), day))
                previous = status
            days.update((event - timedelta(days=span), event + timedelta(days=span)))
    if not days:
        return [as_of_for(case)]
    out = []
    for day in sorted(days):
        try:
            calendar.check_in_range(day)
        except ValueError:
            continue
        out.append(day)
    return out


def _count_candidates(info: FieldInfo, case: Case) -> list[Any]:
    values: set[int] = {0}
    for limit in info.thresholds:
        values.update((limit, limit + 1))
    for decl in info.deadlines:
        if decl.interval == info.path:
            values.update(range(0, _span(decl) + 1))
    return sorted(values)


# --- deciding hypothetical cases ----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a case settles of the outputs of interest: the atoms that hold in every
    completion, and those that hold in some."""

    certain: frozenset[str]
    possible: frozenset[str]

    @property
    def open(self) -> frozenset[str]:
        return self.possible - self.certain


class Solver:
    """Decides cases of one program with their solver assumptions as the key: a hypothetical
    case that assumes what another did is not solved again."""

    def __init__(self, program: Program, defaults: bool) -> None:
        self.program = program
        self.defaults = defaults
        self.model = model_for(program)
        self.plan = plan_for(program)
        self._solved: dict[tuple[int, ...], Consequences | None] = {}
        self._outcomes: dict[tuple[tuple[int, ...], frozenset[str] | None], Outcome | None] = {}
        self.solves = 0
        self.seconds = 0.0

    def key(self, case: Case) -> tuple[int, ...]:
        """The solver assumptions of a case, sorted (the key of what is solved)."""
        plan = self.plan
        return tuple(sorted(plan.assumptions(case, plan.measure(case), self.defaults)))

    def override(self, key: tuple[int, ...], values: Mapping[clingo.Symbol, bool]
                 ) -> tuple[int, ...]:
        """``key`` with each input term of ``values`` assumed known, with its value."""
        drop: set[int] = set()
        add: list[int] = []
        program = self.program
        for term, value in values.items():
            lit, unk = program.value_literal[term], program.unknown_literal[term]
            drop.update((lit, -lit, unk, -unk))
            add += (-unk, lit if value else -lit)
        return tuple(sorted([a for a in key if a not in drop] + add))

    def consequences(self, key: tuple[int, ...]) -> Consequences | None:
        if key in self._solved:
            return self._solved[key]
        try:
            found: Consequences | None = solve(self.program, list(key))
        except InconsistentCase:
            found = None
        self._solved[key] = found
        return found

    def outcome(self, key: tuple[int, ...], atoms: frozenset[str] | None = None
                ) -> Outcome | None:
        """The outputs of interest (or only ``atoms`` of them) that hold in every completion
        and in some, by one solve call: each model found must show one no model showed yet,
        or miss one every model showed so far (a clause added for this call only); when none
        is left, the two sets are the brave and the cautious consequences on them. None when
        the case has no completion."""
        if (key, atoms) in self._outcomes:
            return self._outcomes[(key, atoms)]
        start = time.perf_counter()
        control = self.program.control
        lits = self.model.literals if atoms is None else tuple(
            (lit, name) for lit, name in self.model.literals if name in atoms)
        solve_config(control).enum_mode = "auto"
        brave: set[int] = set()
        cautious: set[int] | None = None

        def on_model(model: clingo.Model) -> bool:
            nonlocal cautious
            is_true = model.is_true
            true = {lit for lit, _ in lits if is_true(lit)}
            brave.update(true)
            cautious = true if cautious is None else cautious & true
            clause = [lit for lit, _ in lits if lit not in brave]
            clause += [-lit for lit in cautious]
            if not clause:
                return False
            model.context.add_clause(clause)
            return True

        control.solve(assumptions=list(key), on_model=on_model)
        found: Outcome | None = None
        if cautious is not None:
            names = dict(lits)
            found = Outcome(frozenset(names[x] for x in cautious),
                            frozenset(names[x] for x in brave))
        self.seconds += time.perf_counter() - start
        self.solves += 1
        self._outcomes[(key, atoms)] = found
        return found

    def flipped(self, key: tuple[int, ...], term: clingo.Symbol, value: bool) -> tuple[int, ...]:
        """``key`` with one input term assumed ``value`` (it was unknown)."""
        return self.override(key, {term: value})


# --- the next question -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One possible answer to a question and the outputs of interest it would change."""

    value: Any  # a concrete value (None: an explicit null) standing for the answers like it
    changes: frozenset[str]


@dataclass(frozen=True)
class Question:
    """A case field worth asking: some answer to it changes an output of interest."""

    field: str
    type: str  # the field's type in the case format (bool, enum, set, date, count, int)
    text: str  # the field's description (the pack's case.toml)
    values: tuple[str, ...]  # an enum's values, or a set's declared members
    nullable: bool  # "none" (an explicit null) is an answer
    score: float  # the mean number of outputs an answer changes (per question it takes)
    most: int  # the most any answer changes
    changes: tuple[str, ...]  # the outputs of interest some answer changes: what hangs on it
    answers: tuple[Answer, ...]
    needs: tuple[str, ...] = ()  # unknown dates it is measured against, asked afterwards
    pattern: str | None = None  # a set's members as a pattern (members beyond ``values``)


def open_outputs(case: object, *, defaults: bool = True) -> list[str]:
    """The outputs of interest a case leaves open (each an atom such as ``route(x)``)."""
    loaded = as_case(case)
    solver = Solver(program_for_case(loaded), defaults)
    outcome = solver.outcome(solver.key(loaded))
    return [] if outcome is None else sorted(outcome.open)


def _usable(case: Case, path: str | None) -> bool:
    if path is None:
        return False
    value = resolve_parts(case, tuple(path.split(".")))
    return _is_date(value) or _is_count(value)


def _measurable(decl: DeadlineDecl, have: frozenset[str]) -> bool:
    """Whether dates and counts at ``have`` measure the deadline (judge by them)."""
    anchor, event = decl.anchor in have, decl.event in have
    interval = decl.interval is not None and decl.interval in have
    return (anchor and event) or interval


def _counterparts(decl: DeadlineDecl, path: str) -> tuple[str, ...]:
    return tuple(p for p in (decl.anchor, decl.event, decl.interval) if p and p != path)


class Asker:
    """The questions of one case: each unknown field's answers decided, scored and ranked."""

    def __init__(self, case: Case, *, defaults: bool = True, solver: Solver | None = None,
                 program: Program | None = None) -> None:
        self.case = case
        program = program_for_case(case) if program is None else program
        if solver is None or solver.program is not program or solver.defaults != defaults:
            solver = Solver(program, defaults)
        self.solver = solver
        self.model = solver.model
        self.key = solver.key(case)
        self.base = solver.outcome(self.key)
        self.open: frozenset[str] = frozenset() if self.base is None else self.base.open
        # the dates and counts the case gives (what a deadline is measured with)
        self.have = frozenset(p for p in self.model.fields if _usable(case, p))

    def answer_keys(self, info: FieldInfo, case: Case | None = None
                    ) -> list[tuple[Any, tuple[int, ...]]]:
        """The field's distinct answers: one concrete value for each set of assumptions."""
        base = self.case if case is None else case
        checks = self.model.checks
        # a field no deadline is measured with and that implies no other: its own inputs only
        direct = case is None and not info.deadlines and not info.implies
        seen: dict[tuple[int, ...], Any] = {}
        for value in candidates(info, base):
            if direct:
                key = self.solver.override(self.key, _term_values(info, value))
            else:
                filled = with_value(base, info, value, checks)
                if filled is None:
                    continue
                key = self.solver.key(filled)
            if key not in seen:
                seen[key] = value
        return [(value, key) for key, value in seen.items()]

    def _changed(self, key: tuple[int, ...]) -> frozenset[str] | None:
        """The outputs of interest a hypothetical case decides otherwise: an open one it
        determines, and (the rule's presumptions being defeasible) a determined one it holds
        in fewer completions or makes possible; None when it has no completion."""
        base = self.base
        if base is None:
            return None
        if not self.solver.defaults:  # no presumption: an answer can only settle open ones
            settled = self.solver.outcome(key, self.open)
            if settled is None:
                return None
            return frozenset(x for x in self.open
                             if x in settled.certain or x not in settled.possible)
        outcome = self.solver.outcome(key)
        if outcome is None:
            return None
        certain, possible = outcome.certain, outcome.possible
        revisable = self.model.revisable
        overturned = (base.certain - certain) | (possible - base.possible)
        return frozenset(
            {x for x in base.open if x in certain or x not in possible}
            | {x for x in overturned if x.partition("(")[0] in revisable}
        )

    def question(self, info: FieldInfo, skip: frozenset[str]) -> Question | None:
        """The field as a question, or None when no answer to it changes an output of
        interest."""
        answers: list[Answer] = []
        base_key: tuple[int, ...] | None = None
        for value, key in self.answer_keys(info):
            changed = self._changed(key)
            if changed is not None:
                answers.append(Answer(value, changed))
                base_key = key if base_key is None else base_key
        if not answers or base_key is None:
            return None
        direct = [len(a.changes) for a in answers]
        score = sum(direct) / len(direct)
        most = max(direct)
        changes: set[str] = set().union(*(a.changes for a in answers))
        needs: set[str] = set()
        # A deadline measured against a date not given yet: would its turning change anything?
        # Then the field is worth asking with that date after it (a question that takes two).
        have = self.have | {info.path}
        for decl in info.deadlines:
            term = self.model.timely.get(decl.id)
            if term is None or _measurable(decl, have):
                continue
            others = [p for p in _counterparts(decl, info.path)
                      if p in self.model.fields and p not in skip
                      and unknown(self.case, self.model.fields[p])]
            if not others:
                continue
            flips = [self._changed(self.solver.flipped(base_key, term, v)) for v in (True, False)]
            found = [f for f in flips if f is not None]
            if not any(found):
                continue
            needs.add(min(others, key=lambda p: self.model.fields[p].order))
            changes.update(*found)
            most = max(most, *(len(f) for f in found))
            score = max(score, sum(len(f) for f in found) / len(found) / 2)
        if not changes:
            return None
        spec = info.spec
        return Question(
            field=info.path,
            type=spec.type,
            text=spec.description,
            values=info.declared if spec.type == "set" else spec.values,
            nullable=info.nullable,
            score=score,
            most=most,
            changes=tuple(sorted(changes)),
            answers=tuple(answers),
            needs=tuple(sorted(needs)),
            pattern=spec.pattern,
        )

    def questions(self, skip: Iterable[str] = (),
                  memo: dict[str, Question | None] | None = None) -> list[Question]:
        """Every field worth asking, the most decisive first. ``memo`` keeps each field's
        question across calls on the same case (only ``skip`` growing): a question is
        worked out again only when a field it is measured against has been skipped since."""
        if self.base is None or (not self.open and not self.solver.defaults):
            return []  # no completion; or determined, with no presumption an answer defeats
        skipped = frozenset(skip)
        out: list[tuple[Question, int]] = []
        fields = self.model.fields
        for path, info in fields.items():
            if path in skipped or not unknown(self.case, info):
                continue
            # a value here implies a field not known yet: that one first ("was it filed?"
            # before "when?"), and not this one while that one stays unknown
            if any(unknown(self.case, fields[".".join(p)]) for p in info.implies
                   if ".".join(p) in fields):
                continue
            if memo is not None and path in memo:
                q = memo[path]
                if q is not None and skipped.intersection(q.needs):
                    q = memo[path] = self.question(info, skipped)
            else:
                q = self.question(info, skipped)
                if memo is not None:
                    memo[path] = q
            if q is not None:
                out.append((q, info.order))
        out.sort(key=lambda qo: (-qo[0].score, -qo[0].most, qo[1]))
        return [q for q, _ in out]


def next_questions(
    case: object, *, defaults: bool = True, skip: Iterable[str] = ()
) -> list[Question]:
    """The questions whose answer can still change an output of interest, the most decisive
    first (the mean number of open outputs an answer settles, then the most any settles, then
    the order of the case format); empty once every output of interest is determined.
    ``skip`` names fields already asked and answered "unknown"."""
    return Asker(as_case(case), defaults=defaults).questions(skip)


# --- what would determine a conclusion ---------------------------------------------------------


class _Search:
    """Decisions of the combinations of answers of sets of fields, by their assumptions."""

    def __init__(self, case: Case, defaults: bool, amend: AmendInput = None) -> None:
        self.case = case
        program = program_for_case(case, amend)
        self.asker = Asker(case, defaults=defaults, program=program)
        self.solver = self.asker.solver
        self.program = program
        self.tables = decode_tables(program)
        self.as_of = as_of_for(case)
        self._labels: dict[tuple[int, ...], frozenset[str] | None] = {}
        self._leaves: dict[tuple[str, ...], list[tuple[int, ...]] | None] = {}

    def labels(self, key: tuple[int, ...], case: Case) -> frozenset[str] | None:
        """The conclusions the decision of ``case`` leaves undetermined (None: no completion)."""
        if key in self._labels:
            return self._labels[key]
        cons = self.solver.consequences(key)
        found: frozenset[str] | None = None
        if cons is not None:
            data = decode_dict(self.tables, case, self.as_of, plan_for(self.program).measure(case),
                               Reading.of(self.program, cons))
            found = frozenset(u["conclusion"] for u in data["undetermined"])
        self._labels[key] = found
        return found

    def leaves(self, fields: tuple[str, ...]) -> list[tuple[tuple[int, ...], Case]] | None:
        """Every combination of the fields' answers (each field's answers taken given the
        answers before it), one case per distinct set of assumptions; None past the bound."""
        model = self.solver.model
        out: dict[tuple[int, ...], Case] = {}

        def walk(case: Case, rest: tuple[str, ...]) -> bool:
            if not rest:
                key = self.solver.key(case)
                out.setdefault(key, case)
                return len(out) <= MAX_COMBINATIONS
            info = model.fields[rest[0]]
            for value, _key in self.asker.answer_keys(info, case):
                filled = with_value(case, info, value, model.checks)
                if filled is not None and not walk(filled, rest[1:]):
                    return False
            return True

        if not walk(self.case, fields):
            return None
        return list(out.items())


def _fields_of(depends_on: Iterable[str], case: Case, model: Model,
               deadlines: Mapping[str, DeadlineDecl]) -> list[str]:
    """The unknown case fields behind a decision's ``depends_on`` (a deadline's measured date
    ``event (deadline)`` stands for its unknown dates and count)."""
    found: set[str] = set()
    for path in depends_on:
        info = model.fields.get(path)
        if info is not None:
            found.add(path)
            continue
        _event, _, rest = path.partition(" (")
        decl = deadlines.get(rest.removesuffix(")"))
        if decl is None:
            continue
        for p in (decl.anchor, decl.event, decl.interval):
            if p is not None and p in model.fields:
                found.add(p)
    fields = [p for p in found if unknown(case, model.fields[p])]
    return sorted(fields, key=lambda p: model.fields[p].order)


def determining_sets(
    case: object,
    *,
    defaults: bool = True,
    conclusions: Iterable[str] | None = None,
    max_size: int = MAX_SIZE,
    budget: float | None = BUDGET_SECONDS,
    amend: AmendInput = None,
) -> list[DeterminingSets]:
    """For each undetermined conclusion of the case's decision (or those named), the smallest
    sets of the fields it depends on that determine it whatever their values: every
    combination of their answers decided leaves it determined (holding in every completion,
    or in none). Sizes 1 to ``max_size`` are searched in turn, stopping at the first size with
    a set; a set with more than :data:`MAX_COMBINATIONS` combinations, or the search past
    ``budget`` seconds, leaves the answer incomplete (``complete`` false). ``case`` is a case
    (any form :func:`rulepath.decide` takes) or a decision made by it; ``amend`` the
    amendment it was decided with, if any."""
    if isinstance(case, Decision):
        defaults = vars(case).get("_defaults", defaults)
        decision: Decision | None = case
        loaded = vars(case).get("_case")
        if loaded is None:
            raise TypeError("a decision read back from JSON does not know its case")
    else:
        decision = None
        loaded = as_case(case)
    search = _Search(loaded, defaults, amend)
    program = search.program
    if decision is None:
        cons = search.solver.consequences(search.asker.key)
        if cons is None:
            raise InconsistentCase("<case>", "the stated facts contradict each other under "
                                   "the rule (no assignment of the unknown facts satisfies them)")
        facts_deadlines = plan_for(program).measure(loaded)
        decision = Decision.from_dict(decode_dict(
            search.tables, loaded, search.as_of, facts_deadlines, Reading.of(program, cons)))
    wanted = None if conclusions is None else set(conclusions)
    start = time.perf_counter()
    out: list[DeterminingSets] = []
    for u in decision.undetermined:
        if wanted is not None and u.conclusion not in wanted:
            continue
        pool = _fields_of(u.depends_on, loaded, search.solver.model, program.deadlines)
        sets: list[list[str]] = []
        complete = True
        size: int | None = None
        for k in range(1, min(max_size, len(pool)) + 1):
            for subset in itertools.combinations(pool, k):
                if budget is not None and time.perf_counter() - start > budget:
                    complete = False
                    break
                verdict = _determines(search, subset, u.conclusion)
                if verdict is None:
                    complete = False
                elif verdict:
                    sets.append(list(subset))
            if sets:
                size = k
                break
            if not complete and budget is not None and time.perf_counter() - start > budget:
                break
        out.append(DeterminingSets(u.conclusion, sets, size, complete, pool))
    return out


def _determines(search: _Search, fields: tuple[str, ...], conclusion: str) -> bool | None:
    """Whether every combination of the fields' answers determines the conclusion (None: too
    many combinations to try)."""
    leaves = search.leaves(fields)
    if leaves is None:
        return None
    consistent = False
    for key, case in leaves:
        labels = search.labels(key, case)
        if labels is None:
            continue
        if conclusion in labels:
            return False
        consistent = True
    return consistent


def smallest_determining_sets(
    case: object, conclusion: str, *, defaults: bool = True, max_size: int = MAX_SIZE
) -> list[set[str]]:
    """The smallest sets of case fields that, whatever their values, determine one
    undetermined conclusion of the case's decision (as ``decision.undetermined`` names it);
    empty when none of at most ``max_size`` fields does (or the conclusion is determined)."""
    found = determining_sets(case, defaults=defaults, conclusions=[conclusion],
                             max_size=max_size, budget=None)
    return [set(s) for d in found for s in d.sets]


# --- an interview -----------------------------------------------------------------------------


@dataclass
class _Step:
    field: str
    data: dict[str, Any]
    skipped: list[str]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def case_data(case: Case) -> dict[str, Any]:
    """A case as the mapping its file would hold (what was given, explicit nulls kept)."""
    data: dict[str, Any] = _plain(case.model_dump(mode="python", exclude_unset=True))
    data["rule"] = case.pack
    return data


def _set_path(data: dict[str, Any], parts: Sequence[str], value: Any) -> dict[str, Any]:
    out = dict(data)
    node = out
    for part in parts[:-1]:
        child = node.get(part)
        node[part] = dict(child) if isinstance(child, dict) else {}
        node = node[part]
    node[parts[-1]] = list(value) if isinstance(value, tuple) else value
    return out


@dataclass
class Interview:
    """An interview's state: the case so far, the fields answered "unknown", and the steps
    ``back`` undoes. Questions come from :func:`next_questions`; every answer is validated as
    a case file is (a :class:`CaseError` names what is wrong)."""

    data: dict[str, Any]
    defaults: bool = True
    skipped: list[str] = field(default_factory=list)
    history: list[_Step] = field(default_factory=list)
    _case: Case | None = field(default=None, repr=False)
    _solver: Solver | None = field(default=None, repr=False)
    _asked: tuple[tuple[int, int], list[Question]] | None = field(default=None, repr=False)
    _version: int = field(default=0, repr=False)
    _memo: dict[str, Question | None] = field(default_factory=dict, repr=False)

    @classmethod
    def start(cls, case: object, *, defaults: bool = True) -> Interview:
        loaded = as_case(case)
        return cls(case_data(loaded), defaults, _case=loaded)

    @property
    def case(self) -> Case:
        if self._case is None:
            self._case = case_from_mapping(self.data)
        return self._case

    def _asker(self) -> Asker:
        asker = Asker(self.case, defaults=self.defaults, solver=self._solver)
        self._solver = asker.solver
        return asker

    def questions(self) -> list[Question]:
        """The questions worth asking now, the most decisive first."""
        key = (self._version, len(self.history))
        if self._asked is not None and self._asked[0] == key:
            return self._asked[1]
        found = self._asker().questions({step.field for step in self.history}, self._memo)
        self._asked = (key, found)
        return found

    def open(self) -> list[str]:
        """The outputs of interest still open."""
        return sorted(self._asker().open)

    @property
    def asked(self) -> int:
        return len(self.history)

    @property
    def solves(self) -> tuple[int, float]:
        """The hypothetical cases decided so far (one clingo solve call each) and the seconds
        they took."""
        solver = self._solver
        return (0, 0.0) if solver is None else (solver.solves, solver.seconds)

    def answer(self, path: str, value: Any) -> None:
        """Record ``value`` at ``path`` (None: an explicit null); a :class:`CaseError` when the
        case would not be valid with it (nothing is recorded then)."""
        data = _set_path(self.data, path.split("."), value)
        case = case_from_mapping(data)
        solver = self._asker().solver
        if solver.outcome(solver.key(case)) is None:
            raise CaseError(path, "contradicts the facts given, under the rule (no assignment "
                            "of the unknown facts satisfies them all)")
        self.history.append(_Step(path, self.data, list(self.skipped)))
        self.data, self._case = data, case
        self._version += 1
        self._memo = {}

    def skip(self, path: str) -> None:
        """The answer "unknown": the field stays unknown and is not asked again."""
        self.history.append(_Step(path, self.data, list(self.skipped)))
        self.skipped.append(path)
        self._version += 1

    def back(self) -> str | None:
        """Undo the last answer; the field it answered (to ask again), or None at the start."""
        if not self.history:
            return None
        step = self.history.pop()
        self.data, self.skipped, self._case = step.data, step.skipped, None
        self._version += 1
        self._memo = {}
        return step.field

    def decision(self, *, explain: bool = False) -> Decision:
        """The decision of the case so far (``explain``: with its justification tree)."""
        from .api import decide

        return decide(self.case, defaults=self.defaults, explain=explain)

    def file_data(self) -> dict[str, Any]:
        """The case file to write: the header first, the case's own date of evaluation kept
        (so that it decides again as it did here)."""
        from .documents import header_first

        data = dict(self.data)
        data.setdefault("as_of", as_of_for(self.case))
        return header_first(data)


def by_answer(question: Question) -> Iterator[tuple[Any, frozenset[str]]]:
    """Each answer of a question and what it changes, the answers changing most first."""
    for a in sorted(question.answers, key=lambda a: -len(a.changes)):
        yield a.value, a.changes


__all__ = [
    "Answer",
    "Asker",
    "Interview",
    "Outcome",
    "Question",
    "by_answer",
    "determining_sets",
    "model_for",
    "next_questions",
    "open_outputs",
    "outputs_of_interest",
    "smallest_determining_sets",
]
