"""Every rule carries its cite, and every conclusion the engine reports carries one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rulepath.engine.api import decide
from rulepath.engine.casefile import load_case
from rulepath.engine.pack import load_pack
from rulepath.engine.program import build_program

CITE = re.compile(
    r"^((37-)?251(\([a-f]\))(\(\d\))?|scheduling order|L\.R\. (11-)?110|FRCP \d+\(\w\)(\(\d\))?"
    r"(\(\w\))?(\([ivx]+\))?|overlay:[a-z0-9-]+)$"
)


def _programs() -> list[object]:
    pack = load_pack()
    return [build_program(pack, version, tuple(pack.overlays)) for version in pack.versions]


@pytest.mark.parametrize("program", _programs(), ids=lambda p: p.version.id)  # type: ignore[attr-defined]
def test_every_rule_and_default_is_cited(program: object) -> None:
    rules = program.rules  # type: ignore[attr-defined]
    assert len(rules) > 150
    bad = [f"{r.id}: {r.cite!r}" for r in rules.values() if not CITE.match(r.cite)]
    assert not bad, bad
    for req, (cite, _defect) in program.requirements.items():  # type: ignore[attr-defined]
        assert CITE.match(cite), (req, cite)
    for d in program.deadlines.values():  # type: ignore[attr-defined]
        assert CITE.match(d.cite) and CITE.match(d.param_cite), d


def test_every_lp_rule_block_names_its_clause() -> None:
    """Every block of lines (between blank lines) that states a rule or default carries a
    comment naming the clause it encodes, so a reader goes from the text to its encoding."""
    root = load_pack().root
    clause = re.compile(r"%.*(251\(|37-251|scheduling order|L\.R\.|FRCP|overlay:|A-\d+)", re.I)
    missing = []
    for path in sorted(root.rglob("*.lp")):
        for block in re.split(r"\n\s*\n", path.read_text()):
            lines = block.splitlines()
            states_rule = any(line.startswith(("rule(", "default(")) for line in lines)
            if states_rule and not any(clause.search(line) for line in lines):
                missing.append(f"{path.name}: {lines[0]}")
    assert not missing, missing


def test_every_reported_item_carries_a_cite(shared: Path) -> None:
    for path in sorted((shared / "corpus" / "dev").glob("*.yaml")):
        d = decide(load_case(path)).to_dict()
        for key in (
            "defects",
            "requirements",
            "exceptions",
            "sanctions",
            "deadlines",
            "next_steps",
            "assumed",
        ):
            for item in d[key]:
                assert CITE.match(item["cite"]), (path.name, key, item)
