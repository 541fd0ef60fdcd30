"""Solve one case on a grounded program: what holds in every completion of the unknown facts
(cautious consequences) and what holds in some (brave consequences); or, as a quicker mode
of the same program, whether the case is determined at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import clingo

from .errors import RulepathError
from .program import Program, solve_config


class InconsistentCase(RulepathError):
    """The stated facts contradict each other under the rule (no completion exists)."""


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


def solve_determined(
    program: Program,
    assumptions: list[int],
    read: Callable[[Sequence[clingo.Symbol]], Iterable[int]],
) -> bool:
    """One model, and whether it is the same in every completion of the unknown facts on what
    a decision reads (``read/1`` of the output vocabulary). ``read`` gets the first model's
    shown terms (the output vocabulary and ``read/1``; not the rule firings and inputs, which
    it does not need) and gives back the literals of the ``read/1`` atoms true in it; a clause
    then asks for a model that differs on one of them. None means this one solve decides the
    case. The clause lasts for this solve call only."""
    control, reads = program.control, program.read_literals
    solve_config(control).enum_mode = "auto"
    seen: list[bool] = []

    def on_model(model: clingo.Model) -> bool:
        if seen:
            seen.append(True)
            return False
        seen.append(True)
        true = set(read(model.symbols(terms=True)))
        model.context.add_clause([-lit if lit in true else lit for lit in reads])
        return True

    control.solve(assumptions=assumptions, on_model=on_model)
    if not seen:
        raise inconsistent()
    return len(seen) == 1
