"""Rule coverage: every rule and default of every rule pack fires in at least one legal test
case (tests/cases/*.yaml) -- ``fired(R)`` or ``presumed(D)`` in some completion of its facts.

A pack's rules are those of all its programs (each version, alone and with each overlay); a
rule counts as covered when it fires in a case of any program of its pack (so a rule only one
version has must fire in a case of that version). The rules that cannot fire, or need not,
are listed with a reason in tests/cases/coverage_exceptions.yaml:

    edcal-lr251:
      some_rule_id: "why no legal test case can make it fire"
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from rulepath.engine.api import load_and_solve
from rulepath.engine.pack import default_pack_id, load_pack, pack_ids
from rulepath.engine.program import RuleDecl, program_for
from tests.test_legal_cases import (
    COVERAGE_EXCEPTIONS,
    LegalCase,
    build_case,
    fired,
    legal_cases,
)

ProgramKey = tuple[str, str, tuple[str, ...]]  # (pack, version, overlays)


@dataclass
class Firings:
    """What the legal test cases make fire, per program, and the cases that would not solve."""

    by_program: dict[ProgramKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # by pack

    def of_pack(self, pack_id: str) -> set[str]:
        return {r for key, ids in self.by_program.items() if key[0] == pack_id for r in ids}


def _pack_named(legal: LegalCase) -> str:
    """The pack a case names (its ``rule``), read from the file: the case may not load."""
    case = legal.item.get("case")
    named = case.get("rule") if isinstance(case, dict) else None
    return str(named or default_pack_id())


@pytest.fixture(scope="module")
def firings() -> Firings:
    """Every legal test case solved once."""
    found = Firings()
    for legal in legal_cases():
        try:
            program, _, consequences = load_and_solve(build_case(legal), defaults=legal.defaults)
        except Exception as error:  # any failure is reported by the pack's coverage test
            found.errors[_pack_named(legal)].append(f"{legal.file} :: {legal.name}: {error}")
            continue
        key = (program.pack.id, program.version.id, program.overlays)
        found.by_program[key] |= fired(consequences.possible)
    return found


def declared(pack_id: str) -> dict[str, RuleDecl]:
    """Every rule and default id of the pack's programs (each version, alone and with each
    overlay), with its declaration in one of them."""
    pack = load_pack(pack_id)
    rules: dict[str, RuleDecl] = {}
    for version in pack.versions:
        for overlays in ((), *((o,) for o in pack.overlays)):
            program = program_for(pack, version, overlays)
            rules.update((str(rid), decl) for rid, decl in program.rules.items())
    return rules


def exceptions() -> dict[str, dict[str, Any]]:
    """The listed exceptions: pack id -> rule id -> the reason it need not fire."""
    data: Any = yaml.safe_load(COVERAGE_EXCEPTIONS.read_text()) or {}
    return {str(pack): dict(rules or {}) for pack, rules in data.items()}


def _describe(rid: str, decl: RuleDecl) -> str:
    kind = "default" if decl.is_default else "rule"
    return f"{rid} ({kind}, {decl.cite}, concludes {decl.head})"


def coverage_problems(
    rules: dict[str, RuleDecl], covered: set[str], listed: dict[str, Any]
) -> list[str]:
    """The rules that never fire and are not listed, and the listed ones that fire or are gone."""
    return (
        [
            f"never fires: {_describe(r, rules[r])}"
            for r in sorted(set(rules) - covered - set(listed))
        ]
        + [f"listed as an exception but fires: {r}" for r in sorted(set(listed) & covered)]
        + [
            f"listed as an exception but no longer exists: {r}"
            for r in sorted(set(listed) - set(rules))
        ]
    )


@pytest.mark.parametrize("pack_id", pack_ids())
def test_every_rule_of_the_pack_fires_in_a_legal_case(pack_id: str, firings: Firings) -> None:
    assert not firings.errors.get(pack_id), "legal test cases that do not solve:\n  " + (
        "\n  ".join(firings.errors[pack_id])
    )
    listed = exceptions().get(pack_id, {})
    problems = coverage_problems(declared(pack_id), firings.of_pack(pack_id), listed)
    assert not problems, (
        f"{pack_id}: add a legal test case for each rule that never fires (or list it with "
        f"its reason in {COVERAGE_EXCEPTIONS.name}):\n  " + "\n  ".join(problems)
    )


def test_coverage_fails_for_an_unlisted_rule_and_for_a_needless_exception() -> None:
    rules = declared(default_pack_id())
    some = sorted(rules)[:3]
    assert coverage_problems(rules, set(rules) - {some[0]}, {some[1]: "r", "gone": "r"}) == [
        f"never fires: {_describe(some[0], rules[some[0]])}",
        f"listed as an exception but fires: {some[1]}",
        "listed as an exception but no longer exists: gone",
    ]


def test_the_cases_and_the_exceptions_name_known_packs(firings: Firings) -> None:
    known = set(pack_ids())
    strays = [e for pack in sorted(set(firings.errors) - known) for e in firings.errors[pack]]
    assert not strays, "legal test cases of no pack that pack_ids() lists:\n  " + "\n  ".join(
        strays
    )
    assert set(exceptions()) <= known, f"exceptions of unknown packs (known: {sorted(known)})"


def test_every_exception_gives_its_reason() -> None:
    missing = [
        f"{pack}: {rid}"
        for pack, rules in exceptions().items()
        for rid, reason in rules.items()
        if not isinstance(reason, str) or not reason.strip()
    ]
    assert not missing, "exceptions without a reason: " + ", ".join(missing)
