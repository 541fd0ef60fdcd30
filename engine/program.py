"""A rule pack grounded once per (version, overlays), with its static declarations read back.

The inputs of the pack are open choices, so a single grounding serves every case: each case
is solved under assumptions that fix its known facts (multi-shot solving, no re-grounding).
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import clingo

from .pack import Pack, Version

if TYPE_CHECKING:
    from .amendment import Amendment

T = TypeVar("T")
Direction = Literal["after", "before"]
Unit = Literal["calendar_days", "court_days"]
InputKind = Literal["bool", "value", "member", "other", "timely", "over", "present"]


@dataclass(frozen=True)
class InputDecl:
    """One input term: where in the case file it comes from and how it is read."""

    term: clingo.Symbol
    kind: InputKind
    path: str
    value: str | int | None = None  # enum value, set member, deadline id or threshold


@dataclass(frozen=True)
class DeadlineDecl:
    id: str
    event: str
    anchor: str
    direction: Literal["after", "before"]
    days: int
    unit: Literal["calendar_days", "court_days"]
    cite: str
    param_cite: str
    interval: str | None
    rolls_forward: bool = False  # a last day on a weekend or holiday runs to the next court day


@dataclass(frozen=True)
class RuleDecl:
    """A reified rule (or default): its conclusion, premises and cite."""

    id: clingo.Symbol
    head: clingo.Symbol
    cite: str
    premises: tuple[clingo.Symbol, ...]
    exceptions: tuple[clingo.Symbol, ...]
    is_default: bool = False


@dataclass(frozen=True)
class OutputDecl:
    """One conclusion of the output vocabulary (``output/5`` in logic/core/output.lp)."""

    name: str
    arity: int
    key: str  # where the decision reports it
    cardinality: Literal["one", "at_most_one", "any"]
    category: str  # the kind of node it heads in the decision graph


Force = Literal["bar", "order", "discretion", "mandatory", "calendar"]


@dataclass
class Program:
    """The grounded program of one pack version with its overlays, and what it declares."""

    pack: Pack
    version: Version
    overlays: tuple[str, ...]
    files: tuple[Path, ...]
    control: clingo.Control
    inputs: list[InputDecl] = field(default_factory=list)
    deadlines: dict[str, DeadlineDecl] = field(default_factory=dict)
    thresholds: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    requirements: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (cite, defect)
    outputs: dict[str, OutputDecl] = field(default_factory=dict)  # by name
    categories: dict[str, str] = field(default_factory=dict)  # predicate name -> graph category
    # "requirement(Q)", "sanction(G)", "disposition(D)" -> (force, cite as declared)
    forces: dict[str, tuple[Force, str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    step_order: dict[str, int] = field(default_factory=dict)  # next-step action -> rank
    rules: dict[clingo.Symbol, RuleDecl] = field(default_factory=dict)
    rules_by_head: dict[clingo.Symbol, list[RuleDecl]] = field(default_factory=dict)
    input_by_term: dict[clingo.Symbol, InputDecl] = field(default_factory=dict)
    # solver literals of holds(T) and holds(unknown(T)) for every input term T
    value_literal: dict[clingo.Symbol, int] = field(default_factory=dict)
    unknown_literal: dict[clingo.Symbol, int] = field(default_factory=dict)
    defaults_on_literal: int = 0
    # solver literals of read/1, what a decision reads (see solve.solve_determined), and by
    # the text of what is read
    read_literals: list[int] = field(default_factory=list)
    read_literal: dict[str, int] = field(default_factory=dict)
    # what other modules derive from the program once (decoder tables, fact plan)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    # a validated amendment loaded on top of the version and overlays (engine/amendment.py)
    amendment: Amendment | None = None

    def derived(self, key: str, build: Callable[[Program], T]) -> T:
        """``build(self)``, computed once per program and kept with it."""
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = build(self)
        return cast(T, value)

    def cite(self, cite: str) -> str:
        return self.version.cite(cite)

    def text(self, key: str) -> str:
        return self.texts.get(key, key.replace("_", " "))

    def force(self, item: str) -> tuple[Force, str] | None:
        """The declared force of ``requirement(Q)``, ``sanction(G)`` or ``disposition(D)`` and
        its cite in this version's numbering."""
        found = self.forces.get(item)
        return None if found is None else (found[0], self.cite(found[1]))

    def input_path(self, decl: InputDecl) -> str:
        """Where an input comes from: its case-file path, or for a measured deadline the event's
        path with the deadline's id."""
        if decl.kind == "timely":
            deadline = self.deadlines[str(decl.value)]
            return f"{deadline.event} ({deadline.id})"
        return decl.path


def _str(sym: clingo.Symbol) -> str:
    return sym.string if sym.type == clingo.SymbolType.String else str(sym)


@dataclass(frozen=True)
class Variant:
    """A program grounded for one use apart: the same files and rules, then ``extend`` adds
    what that use alone reads (a projection, auxiliary atoms naming complements) once the
    declarations are read. A variant is cached apart from the program every command shares,
    which nothing extends (see batch.py: the batch's consequences in one solve)."""

    name: str
    extend: Callable[[Program], None] = field(compare=False)


def build_program(
    pack: Pack,
    version: Version,
    overlays: tuple[str, ...],
    amendment: Amendment | None = None,
    variant: Variant | None = None,
) -> Program:
    """Ground the pack once; read its declarations. Besides the output vocabulary, the inputs
    that hold are shown (``in/1``): the explainer and the decision's ``depends_on`` read them.
    A validated ``amendment`` is added last, on top of the version and overlays; a
    ``variant`` extends the grounded program last of all."""
    files = pack.program_files(version, overlays)
    control = clingo.Control(["--warn=none"])
    for path in files:
        control.load(str(path))
    if amendment is not None:
        control.add("base", [], amendment.text)
    control.add("explain", [], "#show in(T) : holds(T), inputterm(T).")
    control.ground([("base", []), ("explain", [])])
    solve_config(control).models = "0"
    program = Program(
        pack=pack,
        version=version,
        overlays=overlays,
        files=files,
        control=control,
        amendment=amendment,
    )
    _read_declarations(program)
    if variant is not None:
        variant.extend(program)
    return program


def _facts(control: clingo.Control, name: str, arity: int) -> list[clingo.Symbol]:
    return [a.symbol for a in control.symbolic_atoms.by_signature(name, arity) if a.is_fact]


def _read_declarations(p: Program) -> None:
    ctl = p.control
    for s in _facts(ctl, "input", 2):
        p.inputs.append(InputDecl(s.arguments[0], "bool", _str(s.arguments[1])))
    for s in _facts(ctl, "input_present", 2):
        p.inputs.append(InputDecl(s.arguments[0], "present", _str(s.arguments[1])))
    for s in _facts(ctl, "input_value", 3):
        p.inputs.append(
            InputDecl(s.arguments[0], "value", _str(s.arguments[1]), _str(s.arguments[2]))
        )
    for s in _facts(ctl, "input_member", 3):
        p.inputs.append(
            InputDecl(s.arguments[0], "member", _str(s.arguments[1]), _str(s.arguments[2]))
        )
    for s in _facts(ctl, "input_other", 2):
        p.inputs.append(InputDecl(s.arguments[0], "other", _str(s.arguments[1])))
    for s in _facts(ctl, "input_timely", 2):
        p.inputs.append(InputDecl(s.arguments[0], "timely", "", _str(s.arguments[1])))
    for s in _facts(ctl, "input_over", 3):
        p.inputs.append(
            InputDecl(s.arguments[0], "over", _str(s.arguments[1]), s.arguments[2].number)
        )
    p.inputs.sort(key=lambda d: (d.path, str(d.term)))
    p.input_by_term = {d.term: d for d in p.inputs}

    params: dict[str, tuple[int, str, str]] = {}
    for s in _facts(ctl, "param", 4):
        p_name, p_days, p_unit, p_cite = s.arguments
        params[_str(p_name)] = (p_days.number, _str(p_unit), _str(p_cite))
    intervals = {
        _str(s.arguments[0]): _str(s.arguments[1]) for s in _facts(ctl, "deadline_interval", 2)
    }
    rolls = {_str(s.arguments[0]) for s in _facts(ctl, "rolls_forward", 1)}
    for s in _facts(ctl, "deadline", 6):
        did, event, anchor, direction, param, d_cite = (_str(a) for a in s.arguments)
        days, unit, param_cite = params[param]
        p.deadlines[did] = DeadlineDecl(
            did,
            event,
            anchor,
            cast(Direction, direction),
            days,
            cast(Unit, unit),
            d_cite,
            param_cite,
            intervals.get(did),
            did in rolls,
        )
    for s in _facts(ctl, "threshold", 4):
        tid, t_path, limit, t_cite = s.arguments
        p.thresholds[_str(tid)] = (_str(t_path), limit.number, _str(t_cite))
    for s in _facts(ctl, "requirement", 3):
        p.requirements[_str(s.arguments[0])] = (_str(s.arguments[1]), _str(s.arguments[2]))
    for s in _facts(ctl, "text", 2):
        p.texts[_str(s.arguments[0])] = _str(s.arguments[1])
    for s in _facts(ctl, "step_order", 2):
        if s.arguments[1].type == clingo.SymbolType.Number:
            p.step_order[_str(s.arguments[0])] = s.arguments[1].number
    for s in _facts(ctl, "output", 5):
        o_name, o_arity, o_key, o_card, o_cat = s.arguments
        output = OutputDecl(
            o_name.name, o_arity.number, _str(o_key), cast(Any, o_card.name), o_cat.name
        )
        p.outputs[output.name] = output
        p.categories[output.name] = output.category
    for s in _facts(ctl, "category", 2):
        p.categories[s.arguments[0].name] = s.arguments[1].name
    for s in _facts(ctl, "force", 3):
        item, force, f_cite = s.arguments
        p.forces[str(item)] = (cast(Force, force.name), _str(f_cite))

    ifs: dict[clingo.Symbol, list[clingo.Symbol]] = defaultdict(list)
    unlesses: dict[clingo.Symbol, list[clingo.Symbol]] = defaultdict(list)
    for s in _facts(ctl, "if", 2):
        ifs[s.arguments[0]].append(s.arguments[1])
    for s in _facts(ctl, "unless", 2):
        unlesses[s.arguments[0]].append(s.arguments[1])
    for kind, is_default in (("rule", False), ("default", True)):
        for s in _facts(ctl, kind, 3):
            rid, head, r_cite = s.arguments
            decl = RuleDecl(
                rid, head, _str(r_cite), tuple(ifs[rid]), tuple(unlesses[rid]), is_default
            )
            p.rules[rid] = decl
            p.rules_by_head.setdefault(head, []).append(decl)

    for d in p.inputs:
        p.value_literal[d.term] = _literal(ctl, clingo.Function("holds", [d.term]))
        unknown = clingo.Function("holds", [clingo.Function("unknown", [d.term])])
        p.unknown_literal[d.term] = _literal(ctl, unknown)
    defaults_on = clingo.Function("holds", [clingo.Function("defaults_on")])
    p.defaults_on_literal = _literal(ctl, defaults_on)
    for a in ctl.symbolic_atoms.by_signature("read", 1):
        p.read_literal[str(a.symbol.arguments[0])] = a.literal
    p.read_literals = list(p.read_literal.values())


def _literal(ctl: clingo.Control, atom: clingo.Symbol) -> int:
    """The solver literal of a ground atom (every input atom exists: inputs are choices)."""
    found = ctl.symbolic_atoms[atom]
    if found is None:
        raise AssertionError(f"input atom {atom} was not grounded")
    return found.literal


def solve_config(control: clingo.Control) -> Any:
    """The solve section of a Control's configuration (clingo types it loosely)."""
    return control.configuration.solve


# Grounded programs, least recently used first. Bounded: a stream of distinct overlay lists
# cannot grow memory without end (a program holds a grounded clingo Control, a few MB), and
# large enough for every version with the overlay combinations real populations use (the
# benchmark's population meets 19; thrashing would reground on every case).
CACHE_SIZE = 64
_CACHE: OrderedDict[
    tuple[str, str, tuple[str, ...], tuple[str, str] | None, str | None], Program
] = OrderedDict()


def program_for(
    pack: Pack,
    version: Version,
    overlays: tuple[str, ...],
    amendment: Amendment | None = None,
    *,
    variant: Variant | None = None,
) -> Program:
    """The grounded program for (pack, version, overlays[, amendment]): built once, kept while
    it is among the :data:`CACHE_SIZE` most recently used. An amendment is keyed by its path
    and validated text (see :func:`rulepath.engine.amendment.load_amendment`); a variant by
    its name, apart from the program every command shares."""
    key = (
        pack.id,
        version.id,
        overlays,
        None if amendment is None else amendment.key,
        None if variant is None else variant.name,
    )
    program = _CACHE.get(key)
    if program is None:
        program = build_program(pack, version, overlays, amendment, variant)
        _CACHE[key] = program
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return program
