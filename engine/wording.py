"""The words a decision is printed in: the texts its pack declares (``text/2``), the order
its next steps are taken in (``step_order/2``), and what each requirement's defect is.

A decision carries the texts of its defects, steps, options and cures; the rest (routes,
requirements, dispositions, deadlines, presumptions, exceptions) is worded from the pack.
:func:`wording_for` finds them through the cached program of the decision's pack, version
and overlays: loading, never solving. The engine names no pack's ids: every key is formed
from the output vocabulary (``route(R)``, ``requirement(Q)``, ``deadline(D)``,
``default(D)``, ...; logic/core/declarations.lp).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .errors import RulepathError

if TYPE_CHECKING:
    from .decision import Decision
    from .program import Program


@dataclass(frozen=True)
class Wording:
    """The pack's words for one decision. Empty, every id is shown in words made from it."""

    texts: Mapping[str, str] = field(default_factory=dict)
    step_order: Mapping[str, int] = field(default_factory=dict)
    defect_of: Mapping[str, str] = field(default_factory=dict)  # requirement id -> defect id
    title: str = ""  # the pack's title

    def get(self, *keys: str) -> str | None:
        """The text of the first of ``keys`` the pack words, else None."""
        for key in keys:
            found = self.texts.get(key)
            if found:
                return found
        return None

    def words(self, key: str, *also: str) -> str:
        """The text of ``key`` (or of the first of ``also`` that has one), else the id in
        words (``opposing_party`` -> ``opposing party``; ``route(waived)`` -> ``waived``)."""
        return self.get(key, *also) or humanize(unwrap(key))

    def requirement_of(self, defect: str) -> str | None:
        for requirement, d in self.defect_of.items():
            if d == defect:
                return requirement
        return None


def unwrap(key: str) -> str:
    """The id inside a text key: ``route(waived)`` -> ``waived``, ``default(f(a))`` -> ``f(a)``."""
    head, paren, rest = key.partition("(")
    if paren and head.isidentifier() and rest.endswith(")"):
        return rest[:-1]
    return key


def humanize(key: str) -> str:
    """An id in plain words: ``within_cutoff`` -> ``within cutoff``, ``f(a,b)`` -> ``f a, b``."""
    return key.replace("_", " ").replace("(", " ").replace(")", "").replace(",", ", ").strip()


def wording_of(program: Program) -> Wording:
    """The words of one program (built once per program and kept with it)."""

    def build(p: Program) -> Wording:
        return Wording(
            texts=dict(p.texts),
            step_order=dict(p.step_order),
            defect_of={q: defect for q, (_cite, defect) in p.requirements.items()},
            title=p.pack.title,
        )

    return program.derived("wording", build)


def wording_for(decision: Decision) -> Wording:
    """The words of the pack, version and overlays a decision was made under (the program is
    loaded from the cache, not solved). A decision whose pack cannot be loaded (one read back
    from JSON of a pack not on the path) gets no words: every id is then shown in words."""
    from .pack import load_pack
    from .program import program_for

    try:
        pack = load_pack(decision.rule.pack)
        version = pack.version_for(date.fromisoformat(decision.as_of), decision.rule.version)
        program = program_for(pack, version, tuple(decision.rule.overlays))
    except (RulepathError, ValueError, OSError):
        return Wording()
    return wording_of(program)
