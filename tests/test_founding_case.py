"""The founding order, Martinez v. Smith (E.D. Cal. 2010-02-25): golden decision and the
conclusions the project promised for it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rulepath.engine.api import decide
from tests.conftest import EXAMPLE, ROOT

GOLDEN = ROOT / "tests" / "golden" / "martinez-v-smith.json"


def _decision(path: Path) -> dict[str, object]:
    return decide(path).to_dict()


def test_golden_json() -> None:
    got = _decision(EXAMPLE)
    if os.environ.get("RULEPATH_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(GOLDEN.read_text())


def test_promised_conclusions() -> None:
    d = decide(EXAMPLE)
    assert d.route == "joint_statement"
    assert d.ready_for_hearing is False
    assert {(x.id, x.cite) for x in d.defects} == {
        ("no_conference", "37-251(b)"),
        ("no_joint_statement", "37-251(c)"),
    }
    total = next(e for e in d.exceptions if e.id == "total_failure_to_respond")
    assert total.applies is False and total.because and "response" in total.because
    assert any(
        s.against == "opposing_counsel"
        and s.ground == "refused_conference"
        and s.discretionary
        and s.cite == "37-251(d)"
        for s in d.sanctions
    )
    steps = {s.id for s in d.next_steps}
    assert {
        "arrange_conference",
        "file_joint_statement",
        "file_affidavit_if_no_cooperation",
    } <= steps
    assert "deny_without_prejudice" in d.disposition.consistent
    assert d.disposition.recommended == "deny_without_prejudice"


def test_corpus_copy_agrees_with_example(shared: Path) -> None:
    corpus = _decision(shared / "corpus" / "dev" / "2010-02-25-martinez-v-smith.yaml")
    example = _decision(EXAMPLE)
    for key in ("route", "ready_for_hearing", "defects", "exceptions", "disposition"):
        assert corpus[key] == example[key], key
