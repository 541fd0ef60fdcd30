"""engine/count.py: exact projected counts by completion and Ganak, checked against clingo's
own enumeration of the same programs, and the programs it must refuse."""

from __future__ import annotations

import clingo
import pytest

from rulepath.engine.count import Completion, NotCountable, cone, count
from rulepath.engine.diff import _Ground


def _ground(text: str) -> tuple[clingo.Control, _Ground]:
    ctl = clingo.Control(["--warn=none"])
    ground = _Ground()
    ctl.register_observer(ground)  # type: ignore[arg-type]
    ctl.add("base", [], text)
    ctl.ground([("base", [])])
    return ctl, ground


def _literals(ctl: clingo.Control, name: str) -> list[int]:
    return [a.literal for a in ctl.symbolic_atoms if a.symbol.name == name]


def _enumerated(ctl: clingo.Control, projection: list[int], assume: list[int]) -> int:
    with ctl.backend() as backend:
        backend.add_project(projection)
    ctl.configuration.solve.models = "0"  # type: ignore[union-attr]
    ctl.configuration.solve.project = "project"  # type: ignore[union-attr]
    n = 0
    with ctl.solve(assumptions=assume, yield_=True) as handle:
        for _ in handle:
            n += 1
    return n


PROGRAMS = [
    # choices and a constraint
    ("{ i(1..4) }. :- i(1), i(2). d :- i(3), not i(4).", "i", ["d"]),
    # an aggregate (a weight rule): at least two of four
    ("{ i(1..4) }. two :- 2 { i(X) : X = 1..4 }.", "i", ["two"]),
    # a transitive closure feeding only a no-cycle check (as scenarios.lp's date order)
    ("{ i(1..3) }. e(1,2) :- i(1). e(2,3) :- i(2). e(3,1) :- i(3). e(2,1) :- i(1), i(2)."
     "p(X,Y) :- e(X,Y). p(X,Z) :- p(X,Y), e(Y,Z). :- p(X,X). r :- i(3).", "i", ["r"]),
    # a loop through negation acts as a constraint on i(1), whatever reads it
    ("{ i(1..3) }. x :- not x, i(1). y :- i(2).", "i", ["y"]),
]


@pytest.mark.parametrize(("text", "inputs", "conditions"), PROGRAMS)
def test_counts_equal_clingos_enumeration(text: str, inputs: str, conditions: list[str]
                                          ) -> None:
    ctl, ground = _ground(text)
    projection = _literals(ctl, inputs)
    cond = [lit for name in conditions for lit in _literals(ctl, name)]
    rules, weights = cone(ground.rules, ground.weight_rules, [*projection, *cond])
    completion = Completion(rules, weights)
    assert count(completion, projection) == _enumerated(ctl, projection, [])
    for lit in cond:
        assert count(completion, projection, [lit]) == _enumerated(ctl, projection, [lit])


def test_a_loop_another_rule_reads_is_refused() -> None:
    _, ground = _ground("{ i }. p :- q. q :- p. p :- i. r :- not p.")
    with pytest.raises(NotCountable, match="positive loop"):
        Completion(ground.rules, ground.weight_rules)


def test_the_odd_loop_survives_the_cone() -> None:
    ctl, ground = _ground("{ i(1..2) }. x :- not x, i(1).")
    projection = _literals(ctl, "i")
    rules, weights = cone(ground.rules, ground.weight_rules, projection)
    assert count(Completion(rules, weights), projection) == 2  # i(1) is ruled out
