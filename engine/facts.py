"""Turn a case into solver assumptions over the pack's declared inputs.

Case data never becomes ASP text: every fact is a solver literal looked up once per grounded
program, so no field of a case file can add a rule. A known fact is assumed true or false; an
unknown one is left open and marked unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .casefile import Case
from .deadlines import Measured, measure
from .paths import resolve, stated_null
from .program import InputDecl, Program


@dataclass(frozen=True)
class CaseFacts:
    assumptions: list[int]
    known: dict[InputDecl, bool]  # the value of every known input
    deadlines: dict[str, Measured]


def _value(decl: InputDecl, case: Case, deadlines: dict[str, Measured]) -> bool | None:
    kind = decl.kind
    if kind == "timely":
        return deadlines[str(decl.value)].timely
    raw = resolve(case, decl.path)
    if kind == "bool":
        return raw if isinstance(raw, bool) else None
    if kind == "present":
        if raw is not None:
            return True
        return False if stated_null(case, decl.path) else None
    if raw is None:
        return None
    if kind == "value":
        return bool(raw == decl.value)
    if kind == "member":
        return decl.value in raw
    if kind == "other":
        return False  # replaced below, needs every declared member of the path
    if kind == "over":
        assert isinstance(decl.value, int)
        return bool(raw > decl.value)
    raise AssertionError(kind)


def case_facts(program: Program, case: Case, *, defaults: bool = True) -> CaseFacts:
    deadlines = {d: measure(decl, case) for d, decl in program.deadlines.items()}
    declared: dict[str, set[str]] = {}
    for decl in program.inputs:
        if decl.kind == "member":
            declared.setdefault(decl.path, set()).add(str(decl.value))
    assumptions: list[int] = []
    known: dict[InputDecl, bool] = {}
    for decl in program.inputs:
        value = _value(decl, case, deadlines)
        if decl.kind == "other" and value is not None:
            members = resolve(case, decl.path)
            value = any(m not in declared.get(decl.path, set()) for m in members)
        lit = program.value_literal[decl.term]
        unknown = program.unknown_literal[decl.term]
        if value is None:
            assumptions.append(unknown)
        else:
            known[decl] = value
            assumptions.append(-unknown)
            assumptions.append(lit if value else -lit)
    on = program.defaults_on_literal
    assumptions.append(on if defaults else -on)
    return CaseFacts(assumptions, known, deadlines)
