"""The engine's one entry point: a case in, a decision out (the CLI, batch and eval use it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .casefile import Case, load_case
from .decision import Decision
from .decode import decode
from .facts import CaseFacts, case_facts
from .pack import load_pack
from .program import Program, program_for
from .solve import Consequences, solve


def as_of_for(case: Case) -> date:
    """The day a case is decided as of: its ``as_of``, else today (the output reports it)."""
    return case.as_of or date.today()


def program_for_case(case: Case) -> Program:
    """The one program of the case's pack, version (by ``as_of`` or forced) and overlays."""
    pack = load_pack(case.pack)
    version = pack.version_for(as_of_for(case), case.rule_version)
    return program_for(pack, version, tuple(case.overlays))


def load_and_solve(
    case: Case | str | Path | object, *, defaults: bool = True
) -> tuple[Program, CaseFacts, Consequences]:
    """Load (if needed), pick the program for the case's version and overlays, and solve."""
    if not isinstance(case, Case):
        case = load_case(str(case))
    program = program_for_case(case)
    facts = case_facts(program, case, defaults=defaults)
    return program, facts, solve(program, facts.assumptions)


def decide(case: Case | str | Path, *, defaults: bool = True, explain: bool = True) -> Decision:
    """Decide one case: a loaded :class:`Case`, or the path of a case file (YAML or JSON)."""
    if not isinstance(case, Case):
        case = load_case(case)
    program, facts, consequences = load_and_solve(case, defaults=defaults)
    decision = decode(program, case, as_of_for(case), facts, consequences)
    vars(decision).update(_case=case, _defaults=defaults)  # for _repr_svg_; not in to_dict
    if explain:
        from .explain import explain_decision

        decision.explanation = explain_decision(program, facts, consequences)
    return decision
