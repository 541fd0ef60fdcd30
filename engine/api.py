"""The engine's one entry point: a case in, a decision out (the CLI, batch and eval use it).

A case is given in any of three forms: the path of a case file (``str`` or ``os.PathLike``;
``-`` reads stdin), a mapping holding the case as data (validated exactly as a file is), or an
already-loaded :class:`Case`. Anything else is refused with a :class:`CaseInputError`, which is
both a :class:`RulepathError` and a :class:`TypeError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from .casefile import Case, case_from_mapping, load_case
from .decision import Decision
from .decode import decode
from .errors import RulepathError
from .facts import CaseFacts, case_facts
from .pack import load_pack
from .program import Program, program_for
from .solve import Consequences, solve

if TYPE_CHECKING:  # the amendment machinery is imported only when an amendment is given
    from .amendment import Amendment

# What every entry point takes as a case.
CaseInput: TypeAlias = Case | str | os.PathLike[str] | Mapping[str, Any]
# An amendment as given: the path of its .lp file, or one already validated.
AmendInput: TypeAlias = "Amendment | str | os.PathLike[str] | None"
ACCEPTS = (
    "a case file path (str or os.PathLike), a mapping holding the case (as a case file's "
    "YAML or JSON would), or a rulepath Case"
)


class CaseInputError(RulepathError, TypeError):
    """A case given as something that is neither a path, a mapping nor a :class:`Case`."""


def as_case(case: object, *, param: str = "case") -> Case:
    """The :class:`Case` of a path, a mapping or a Case; a mapping is validated as strictly as
    a case file (a :class:`CaseError` names the field at fault)."""
    if isinstance(case, Case):
        return case
    if isinstance(case, str | os.PathLike):
        return load_case(os.fsdecode(case))
    if isinstance(case, Mapping):
        return case_from_mapping(dict(case))
    raise CaseInputError(param, f"expected {ACCEPTS}, got {type(case).__name__}")


def as_of_for(case: Case) -> date:
    """The day a case is decided as of: its ``as_of``, else today (the output reports it)."""
    return case.as_of or date.today()


def program_for_case(case: Case, amend: AmendInput = None) -> Program:
    """The one program of the case's pack, version (by ``as_of`` or forced) and overlays;
    with ``amend`` (an amendment file's path, or an :class:`Amendment`) that amendment on top,
    validated against them first (an :class:`AmendmentError` on ``amend`` says what is
    wrong, ``FILE:LINE: problem``)."""
    pack = load_pack(case.pack)
    version = pack.version_for(as_of_for(case), case.rule_version)
    program = program_for(pack, version, tuple(case.overlays))
    if amend is None:
        return program
    from .amendment import Amendment, load_amendment, validated

    if isinstance(amend, Amendment):  # validated against this program, perhaps not
        amendment = validated(program, amend.path, amend.text)
    else:
        amendment = load_amendment(program, amend)
    return program_for(pack, version, tuple(case.overlays), amendment)


def load_and_solve(
    case: CaseInput | object, *, defaults: bool = True, amend: AmendInput = None
) -> tuple[Program, CaseFacts, Consequences]:
    """Load (if needed), pick the program for the case's version and overlays (and
    amendment), and solve."""
    case = as_case(case)
    program = program_for_case(case, amend)
    facts = case_facts(program, case, defaults=defaults)
    return program, facts, solve(program, facts.assumptions)


def decide(
    case: CaseInput, *, defaults: bool = True, explain: bool = True, amend: AmendInput = None
) -> Decision:
    """Decide one case: the path of a case file (YAML or JSON), a mapping holding the case, or
    a loaded :class:`Case`; ``amend`` loads an amendment file on top (see
    :mod:`rulepath.engine.amendment`)."""
    case = as_case(case)
    program, facts, consequences = load_and_solve(case, defaults=defaults, amend=amend)
    decision = decode(program, case, as_of_for(case), facts, consequences)
    vars(decision).update(_case=case, _defaults=defaults)  # for _repr_svg_; not in to_dict
    if explain:
        from .explain import explain_decision

        decision.explanation = explain_decision(program, facts, consequences)
    return decision


def explain(
    case: CaseInput,
    *,
    why: str | None = None,
    why_not: str | None = None,
    defaults: bool = True,
) -> dict[str, Any]:
    """The justification tree of one case (what ``rulepath explain`` prints as JSON): by
    default for ``ready_for_hearing``; ``why`` explains why an atom holds, ``why_not`` why it
    does not. The case is a path, a mapping or a :class:`Case`, as for :func:`decide`."""
    from .explain import explain_case

    return explain_case(as_case(case), why=why, why_not=why_not, defaults=defaults)


def graph(
    case: CaseInput | None = None,
    *,
    pack: str | None = None,
    as_of: date | str | None = None,
    overlays: tuple[str, ...] | list[str] = (),
    focus: str | None = None,
    rule_version: str | None = None,
    defaults: bool = True,
    path: bool = False,
) -> Any:
    """The decision graph as a ``networkx.DiGraph`` (see :func:`rulepath.engine.graph.graph`):
    without a case the rule graph of ``pack``; with one (a path, a mapping or a :class:`Case`)
    the case's graph, ``path=True`` keeping only the case's path."""
    from .graph import graph as build

    return build(
        None if case is None else as_case(case),
        pack=pack,
        as_of=as_of,
        overlays=overlays,
        focus=focus,
        rule_version=rule_version,
        defaults=defaults,
        path=path,
    )


__all__ = [
    "ACCEPTS",
    "AmendInput",
    "CaseInput",
    "CaseInputError",
    "as_case",
    "as_of_for",
    "decide",
    "explain",
    "graph",
    "load_and_solve",
    "program_for_case",
]
