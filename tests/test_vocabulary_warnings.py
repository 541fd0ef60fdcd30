"""Values valid in the case format but outside the rule's vocabulary: one warning line on
stderr each, never a change to the answer (engine/vocabulary.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.api import decide, program_for_case
from rulepath.engine.casefile import case_from_mapping
from rulepath.engine.program import InputDecl
from rulepath.engine.vocabulary import named, vocabulary_warnings
from tests.conftest import EXAMPLE

FRCP_73 = (
    "rulepath: warning: motion.rules: frcp-73 is not one of those named by E.D. Cal. Local "
    "Rule 251 (frcp-26 through frcp-37, frcp-45); read as another\n"
)


def case_with_rules(tmp_path: Path, rules: list[str]) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["motion"]["rules"] = rules
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_frcp_73_is_warned_about_and_decided_as_before(tmp_path: Path) -> None:
    path = case_with_rules(tmp_path, ["frcp-73"])
    result = CliRunner().invoke(main, ["decide", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == FRCP_73
    # the answer is the engine's, warning or not: stdout is the decision alone
    assert json.loads(result.stdout) == decide(path).to_dict()


def test_explain_and_graph_warn_too(tmp_path: Path) -> None:
    path = case_with_rules(tmp_path, ["frcp-73"])
    for args in (["explain", str(path)], ["graph", str(path), "--format", "dot"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and result.stderr == FRCP_73, args


def test_a_value_in_the_vocabulary_gets_no_warning(tmp_path: Path) -> None:
    path = case_with_rules(tmp_path, ["frcp-37", "frcp-45"])
    result = CliRunner().invoke(main, ["decide", str(path), "--format", "json"])
    assert result.exit_code == 0 and result.stderr == ""
    assert CliRunner().invoke(main, ["decide", str(EXAMPLE)]).stderr == ""


def test_each_value_once_in_order_for_the_other_pack() -> None:
    case = case_from_mapping({"format": "rulepath/case-1", "rule": "cdcal-lr37",
                              "motion": {"rules": ["frcp-99", "frcp-26", "frcp-3a", "frcp-99"]}})
    found = vocabulary_warnings(program_for_case(case), case)
    assert [(w.field, w.value) for w in found] == [("motion.rules", "frcp-99"),
                                                  ("motion.rules", "frcp-3a")]
    assert str(found[0]).startswith("motion.rules: frcp-99 is not one of those named by C.D. "
                                    "Cal. Local Rules 37-1 to 37-4 (frcp-26 through frcp-37")


def test_named_shortens_numbered_runs() -> None:
    assert named({f"frcp-{n}" for n in (*range(26, 38), 45)}) == (
        "frcp-26 through frcp-37, frcp-45")
    assert named({"a1", "a2", "a4", "a5", "a6", "b"}) == "a1, a2, a4, a5, a6, b"
    assert named({"x7", "x8"}) == "x7, x8"


# --- from the declarations alone: a set without "another", an enum ---------------------------


@dataclass
class _Pack:
    id: str = "demo"
    title: str = "Demo Rule 1, a test"


@dataclass
class _Program:
    """What vocabulary_warnings reads of a program: its inputs, its pack, ``derived``."""

    inputs: list[InputDecl]
    pack: _Pack = field(default_factory=_Pack)

    def derived(self, key: str, build: Any) -> Any:
        return build(self)


def test_declarations_alone_decide_the_warnings() -> None:
    import clingo

    def decl(kind: str, path: str, value: str | None = None) -> InputDecl:
        return InputDecl(clingo.Function("t", [clingo.String(f"{path}{value}")]), kind,  # type: ignore[arg-type]
                         path, value)

    program = _Program([
        decl("member", "s.modes", "a"), decl("member", "s.modes", "b"),
        decl("value", "s.kind", "x"), decl("value", "s.kind", "y"),
        decl("member", "s.rules", "r1"), decl("other", "s.rules"),
    ])

    @dataclass
    class Section:
        modes: tuple[str, ...] | None = None
        kind: str | None = None
        rules: tuple[str, ...] | None = None

    @dataclass
    class Case:
        s: Section

    case = Case(Section(modes=("a", "c"), kind="z", rules=("r1",)))
    found = [str(w) for w in vocabulary_warnings(program, case)]  # type: ignore[arg-type]
    assert found == [
        "s.modes: c is not one of those named by Demo Rule 1 (a, b); not read (the rule takes "
        "no account of it)",
        "s.kind: z is not one of the values read by Demo Rule 1 (x, y); read as none of them",
    ]
    assert vocabulary_warnings(program, Case(Section())) == []  # type: ignore[arg-type]
