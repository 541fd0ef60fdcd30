"""Solve one case on a grounded program: what holds in every completion of the unknown facts
(cautious consequences) and what holds in some (brave consequences)."""

from __future__ import annotations

from dataclasses import dataclass

import clingo

from .errors import RulepathError
from .program import Program, solve_config


class InconsistentCase(RulepathError):
    """The stated facts contradict each other under the rule (no completion exists)."""


@dataclass(frozen=True)
class Consequences:
    """Shown atoms in every completion of the unknown facts (``certain``) and in some
    (``possible``); :class:`decode.View` reads three-valued truth off them."""

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
        "<case>: the stated facts contradict each other under the rule "
        "(no assignment of the unknown facts satisfies them)"
    )


def solve(program: Program, assumptions: list[int]) -> Consequences:
    certain = _consequences(program, assumptions, "cautious")
    if certain is None:
        raise inconsistent()
    possible = _consequences(program, assumptions, "brave")
    assert possible is not None
    return Consequences(certain, possible)
