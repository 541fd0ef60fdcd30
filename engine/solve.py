"""Solve one case on a grounded program: what holds in every completion of the unknown facts
(cautious consequences) and what holds in some (brave consequences).

Two ways to the same consequences:

* :func:`solve` -- a cautious and a brave enumeration on the program every command shares,
  each reading every shown atom (the explainer and the graph read them all);
* :class:`OneSolve` -- the batch's: both in **one** brave enumeration on the program's
  :data:`CONSEQUENCES` variant, with no Python work while clasp enumerates. The variant
  projects the solve on what a decision reads (the declared outputs, every rule's firing,
  every presumption, every input) and names the complement of each, ``rulepath_off(S)``
  (``S`` the term shown for the atom): an atom is in some completion when it is a brave
  consequence, in every completion when its complement is not. Clasp keeps the brave
  consequences as the last model, which is read once, as raw symbol values
  (:mod:`reader` maps them to prepared entries).

A solve call costs about as much as a first model (clasp prepares the whole program and
propagates the case's assumptions), so the batch makes as few as it can, most cases one;
each further model of the enumeration costs some microseconds (more, the more atoms are
projected). In the Python API of clingo every model calls back into Python, and reading a
model symbol by symbol is a call into C each: the batch does neither.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import clingo
from clingo._internal import _ffi, _handle_error, _lib  # type: ignore[attr-defined]

from .errors import RulepathError
from .program import Program, Variant, solve_config


class InconsistentCase(RulepathError):
    """The stated facts contradict each other under the rule (no completion exists)."""


class SolverTimeLimit(RulepathError):
    """A case's solving took longer than the batch's time limit. Its error record's field is
    null: no field of the case is at fault."""

    def __init__(self, seconds: float) -> None:
        super().__init__("<case>", f"solver time limit ({seconds:g} s) exceeded")
        self.field = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Consequences:
    """Shown atoms in every completion of the unknown facts (``certain``) and in some
    (``possible``); :class:`reader.Reading` reads three-valued truth off them."""

    certain: frozenset[clingo.Symbol]
    possible: frozenset[clingo.Symbol]


def _consequences(
    program: Program, assumptions: list[int], mode: str
) -> frozenset[clingo.Symbol] | None:
    control = program.control
    solve_config(control).enum_mode = mode
    last: list[frozenset[clingo.Symbol]] = []

    def on_last(model: clingo.Model) -> None:
        last.append(frozenset(model.symbols(shown=True)))

    result = control.solve(assumptions=assumptions, on_last=on_last)
    if not result.satisfiable:
        return None
    return last[-1]


def inconsistent() -> InconsistentCase:
    return InconsistentCase(
        "<case>",
        "the stated facts contradict each other under the rule "
        "(no assignment of the unknown facts satisfies them)"
    )


def solve(program: Program, assumptions: list[int]) -> Consequences:
    certain = _consequences(program, assumptions, "cautious")
    if certain is None:
        raise inconsistent()
    possible = _consequences(program, assumptions, "brave")
    assert possible is not None
    return Consequences(certain, possible)


# --- the batch's consequences in one solve ---------------------------------------------------

OFF = "rulepath_off"  # the complement of a projected atom: rulepath_off(S), S the term shown
_PART = "rulepath_consequences"


def decisive_rules(program: Program) -> set[clingo.Symbol]:
    """The rules whose firing a decision reports even when it reports no conclusion
    undetermined: those of a declared output whose rules carry different cites (the cite
    reported is the firing rule's), or that may hold once only (the rules that drew a
    conflict)."""
    outputs = program.outputs
    out: set[clingo.Symbol] = set()
    for head, decls in program.rules_by_head.items():
        if head.type != clingo.SymbolType.Function:
            continue
        o = outputs.get(head.name)
        if o is None or o.arity != len(head.arguments):
            continue
        single = o.cardinality != "any" and o.arity > 0
        if single or len({program.cite(d.cite) for d in decls}) > 1:
            out.update(d.id for d in decls)
    return out


def projected(program: Program) -> list[tuple[int, clingo.Symbol, bool]]:
    """(literal, the term shown for it, decisive) of every atom a decision reads: the
    declared outputs (``holds(X)``, shown as ``X``), every rule's firing and presumption, and
    every input (``holds(T)``, shown as ``in(T)``). Decisive: read by every decision (the
    outputs, the presumptions, the :func:`decisive_rules`); the others are read only for the
    facts an undetermined conclusion depends on (see decode.Decisive). Read once per
    program."""
    return program.derived("solve.projected", _projected)


def _projected(program: Program) -> list[tuple[int, clingo.Symbol, bool]]:
    atoms = program.control.symbolic_atoms
    out: list[tuple[int, clingo.Symbol, bool]] = []
    arity = {o.name: o.arity for o in program.outputs.values()}
    inputs = {d.term for d in program.inputs}
    for a in atoms.by_signature("holds", 1):
        x = a.symbol.arguments[0]
        if x in inputs or x.match("defaults_on", 0):
            out.append((a.literal, clingo.Function("in", [x]), False))
        elif x.type == clingo.SymbolType.Function and arity.get(x.name) == len(x.arguments):
            out.append((a.literal, x, True))
    out.extend((a.literal, a.symbol, True) for a in atoms.by_signature("presumed", 1))
    decisive = {clingo.Function("fired", [r]) for r in decisive_rules(program)}
    out.extend(
        (a.literal, a.symbol, a.symbol in decisive) for a in atoms.by_signature("fired", 1)
    )
    return out


def _extend(program: Program) -> None:
    """Add the projection and the complements (through clingo's backend: the atoms are named
    from the program's own symbols, never read from a case) and leave the control enumerating
    brave consequences."""
    control = program.control
    lits: list[int] = []
    with control.backend() as backend:
        for literal, shown, _ in projected(program):
            off = backend.add_atom(clingo.Function(OFF, [shown]))
            backend.add_rule([off], [-literal])
            lits += (literal, off)
        backend.add_project(lits)
    control.add(_PART, [], f"#show {OFF}/1.")
    control.ground([(_PART, [])])
    _enumerate_brave(control)


def _enumerate_brave(control: clingo.Control) -> None:
    """Leave the control enumerating brave consequences, in as few models as it can.

    The enumeration is complete whatever order the solver decides in, so the order is chosen
    for speed alone: no variable scoring (with the inputs assumed little is left to choose;
    scoring cost some 15% of a solve), a random sign for each decision and a restart after
    each model. Without the last two each model differs from the one before by about one
    unknown input (clasp goes on from where the last model was found, flipping the latest
    decision), so a case left 40 inputs unknown took some 44 models; restarting with random
    signs, each model is a fresh random completion and covers many new atoms at once: about
    9 models a case, a solve some 2.5 times faster (measured on the real orders' population,
    bench/README.md). The seed is clasp's default, so a process's runs repeat exactly; the
    consequences do not depend on it."""
    config = solve_config(control)
    config.models = "0"
    config.enum_mode = "brave"
    solver = control.configuration.solver
    solver.heuristic = "none"  # type: ignore[union-attr]
    solver.sign_def = "rnd"  # type: ignore[union-attr]
    solver.restart_on_model = "1"  # type: ignore[union-attr]


CONSEQUENCES = Variant("consequences", _extend)


def _extend_reads(program: Program) -> None:
    """The projection on what a decision reads when it reports nothing undetermined
    (``read/1`` of the output vocabulary, logic/core/output.lp), with each atom's complement:
    one brave enumeration tells whether every completion agrees on it (no ``read/1`` atom is
    shown with its complement), and then gives it."""
    control = program.control
    lits: list[int] = []
    with control.backend() as backend:
        for a in control.symbolic_atoms.by_signature("read", 1):
            off = backend.add_atom(clingo.Function(OFF, [a.symbol]))
            backend.add_rule([off], [-a.literal])
            lits += (a.literal, off)
        backend.add_project(lits)
    control.add(_PART, [], f"#show read/1. #show {OFF}/1.")
    control.ground([(_PART, [])])
    _enumerate_brave(control)


READS = Variant("reads", _extend_reads)

# clingo's own cffi binding (clingo 5.8, pinned in pyproject.toml): the solve below calls its C
# interface directly, as clingo.Control.solve does, without an event handler.

_SHOWN = _lib.clingo_show_type_shown
_SATISFIABLE = _lib.clingo_solve_result_satisfiable
_INTERRUPTED = _lib.clingo_solve_result_interrupted


class OneSolve:
    """The consequences of one program's :data:`CONSEQUENCES` variant, a case at a time: the
    raw values of the shown symbols of the last model of one brave enumeration (see the
    module's text), or None when the case is inconsistent.

    Clingo's solve is called through its C interface with no event handler: clasp enumerates
    without calling back into Python. A ``time_limit`` (seconds, 0: none) bounds each solve:
    a watchdog thread interrupts it (``clingo_control_interrupt`` is thread-safe; the GIL is
    released while clingo solves) and :class:`SolverTimeLimit` is raised."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._control = program.control
        self._rep = self._control._rep
        self._handle = _ffi.new("clingo_solve_handle_t**")
        self._result = _ffi.new("clingo_solve_result_bitset_t*")
        self._model = _ffi.new("clingo_model_t**")
        self._size = _ffi.new("size_t*")

    def shown(self, assumptions: Sequence[int], *, time_limit: float = 0.0) -> list[int] | None:
        """The raw values of the shown symbols of the consequences of one case (None: it is
        inconsistent)."""
        if time_limit > 0:
            return _WATCHDOG.bounded(self, assumptions, time_limit)
        shown, interrupted = self._solve(assumptions)
        if interrupted:  # Control.interrupt from elsewhere: no consequences were computed
            raise RulepathError("<case>", "the solver was interrupted")
        return shown

    def _solve(self, assumptions: Sequence[int]) -> tuple[list[int] | None, bool]:
        """(the shown symbols, or None when unsatisfiable; whether it was interrupted)."""
        literals = _ffi.new("clingo_literal_t[]", assumptions)
        _handle_error(
            _lib.clingo_control_solve(
                self._rep, 0, literals, len(assumptions), _ffi.NULL, _ffi.NULL, self._handle
            )
        )
        handle = self._handle[0]
        try:
            _handle_error(_lib.clingo_solve_handle_get(handle, self._result))
            result = self._result[0]
            if result & _INTERRUPTED:
                return None, True
            if not result & _SATISFIABLE:
                return None, False
            _handle_error(_lib.clingo_solve_handle_last(handle, self._model))
            model = self._model[0]
            _handle_error(_lib.clingo_model_symbols_size(model, _SHOWN, self._size))
            size = self._size[0]
            symbols = _ffi.new("clingo_symbol_t[]", size)
            _handle_error(_lib.clingo_model_symbols(model, _SHOWN, symbols, size))
            return _ffi.unpack(symbols, size), False
        finally:
            _handle_error(_lib.clingo_solve_handle_close(handle))

    def interrupt(self) -> None:
        _lib.clingo_control_interrupt(self._rep)

    def consume_interrupt(self) -> None:
        """An interrupt that found no search running stops the control's next solve: spend it
        on a solve that ends at once (contradictory assumptions), not on the next case's."""
        literal = next((a.literal for a in self._control.symbolic_atoms), None)
        self._solve([literal, -literal] if literal is not None else [])


class _Watchdog:
    """One thread a process, started with the first bounded solve: it interrupts the solve in
    progress once its time is up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.active: tuple[OneSolve, float, object] | None = None
        self.fired: object | None = None

    def _watch(self) -> None:
        while True:
            time.sleep(0.02)
            with self.lock:
                active = self.active
                if active is not None and self.fired is not active[2] and (
                    time.monotonic() >= active[1]
                ):
                    self.fired = active[2]
                    active[0].interrupt()

    def bounded(
        self, solver: OneSolve, assumptions: Sequence[int], seconds: float
    ) -> list[int] | None:
        if self.thread is None or self.pid != os.getpid():  # threads do not survive a fork
            self.lock = threading.Lock()
            self.active = self.fired = None
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self._watch, name="rulepath-time-limit",
                                           daemon=True)
            self.thread.start()
        token = object()
        self.active = (solver, time.monotonic() + seconds, token)
        interrupted = False
        try:
            shown, interrupted = solver._solve(assumptions)
        finally:
            with self.lock:
                self.active = None
                fired = self.fired is token
        if fired and not interrupted:
            solver.consume_interrupt()  # it came after the search ended
        if interrupted:
            raise SolverTimeLimit(seconds)
        return shown


_WATCHDOG = _Watchdog()


def one_solve(program: Program) -> OneSolve:
    """The one-solve consequences of a program's :data:`CONSEQUENCES` variant (built once)."""
    return program.derived("solve.one", OneSolve)


__all__ = [
    "CONSEQUENCES",
    "READS",
    "Consequences",
    "InconsistentCase",
    "OneSolve",
    "SolverTimeLimit",
    "inconsistent",
    "one_solve",
    "solve",
]
