"""The pack owns its contract: discovered packs, their case schemas against their input
declarations, conflicts in the rules reported, and an engine that names no pack."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.api import decide
from rulepath.engine.casefile import case_from_mapping, case_json_schema
from rulepath.engine.errors import CaseError
from rulepath.engine.pack import load_pack, pack_ids
from rulepath.engine.program import program_for

ROOT = Path(__file__).resolve().parents[1]
TEST_PACKS = ROOT / "tests" / "data" / "packs"
MARTINEZ = ROOT / "examples" / "martinez-v-smith.yaml"


def declared_paths(pack_id: str) -> set[str]:
    """Every case-file path the pack's logic reads, over all its versions and overlays."""
    pack = load_pack(pack_id)
    paths: set[str] = set()
    for version in pack.versions:
        program = program_for(pack, version, tuple(pack.overlays))
        paths |= {d.path for d in program.inputs if d.kind != "timely"}
        for dl in program.deadlines.values():
            paths |= {dl.event, dl.anchor} | ({dl.interval} if dl.interval else set())
        paths |= {path for path, _, _ in program.thresholds.values()}
    return paths


@pytest.mark.parametrize("pack_id", pack_ids())
def test_the_schema_has_every_declared_input_and_nothing_unread(pack_id: str) -> None:
    schema = load_pack(pack_id).case_schema()
    read = {f.path for f in schema.fields if f.read}
    implied = {f.implied_by for f in schema.fields if f.implied_by}
    assert declared_paths(pack_id) - read == set(), "inputs the schema lacks (or marks unread)"
    assert read - declared_paths(pack_id) - implied == set(), "schema fields no rule reads"


@pytest.mark.parametrize("pack_id", pack_ids())
def test_every_schema_field_is_described(pack_id: str) -> None:
    schema = case_json_schema(pack_id)
    missing = []

    def walk(props: dict[str, Any], where: str) -> None:
        for name, prop in props.items():
            if not prop.get("description"):
                missing.append(f"{where}.{name}")

    walk(schema["properties"], "<case>")
    for name, definition in schema["$defs"].items():
        walk(definition.get("properties", {}), name)
    assert not missing


def test_the_shared_format_is_unchanged_for_the_first_pack() -> None:
    schema = case_json_schema("edcal-lr251")
    assert schema["$id"] == schema["title"] == "rulepath/case-1"
    sections = {"motion", "opponent", "schedule", "conference", "responses", "joint_statement",
                "affidavit", "response_to_exception_motion"}
    common = {"format", "as_of", "rule", "caption", "court", "docket", "judge", "overlays",
              "rule_version", "expected"}
    # the project's extension sections: the switchable readings, and a draft order to check
    # (rulepath check-order; docs/formats.md)
    extensions = {"readings", "order"}
    assert set(schema["properties"]) == sections | common | extensions


def test_a_case_picks_its_pack_by_rule_then_court_then_default() -> None:
    assert case_from_mapping({"format": "rulepath/case-1"}).pack == "edcal-lr251"
    assert case_from_mapping({"format": "rulepath/case-1", "court": "C.D. Cal."}).pack == (
        "cdcal-lr37"
    )
    assert case_from_mapping({"format": "rulepath/case-1", "rule": "cdcal-lr37"}).pack == (
        "cdcal-lr37"
    )


@pytest.mark.parametrize(
    ("rule", "problem"), [("", "is empty"), ("  ", "is empty"), ("nope", "unknown rule pack")]
)
def test_an_empty_or_unknown_rule_is_refused(rule: str, problem: str) -> None:
    with pytest.raises(CaseError) as caught:
        case_from_mapping({"format": "rulepath/case-1", "rule": rule})
    assert caught.value.field == "rule" and problem in caught.value.problem


def test_a_field_of_another_pack_is_unknown() -> None:
    with pytest.raises(CaseError) as caught:
        case_from_mapping({"format": "rulepath/case-1", "rule": "cdcal-lr37",
                           "joint_statement": {"filed": True}})
    assert caught.value.field == "joint_statement"


def test_the_output_reports_the_date_actually_used() -> None:
    from datetime import date

    decision = decide(case_from_mapping({"format": "rulepath/case-1"}), explain=False)
    assert decision.as_of == date.today().isoformat()


def test_a_conflicting_overlay_is_reported_with_both_rules_and_exits_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    data = yaml.safe_load(MARTINEZ.read_text())
    data.update(rule="conflict-demo", overlays=["route-conflict"], rule_version=None)
    decision = decide(case_from_mapping(data), explain=False)
    conflicts = {c.conclusion: c for c in decision.conflicts}
    assert set(conflicts) == {"route", "recommended"}
    assert decision.route is None and decision.disposition.recommended is None
    assert not any(u.conclusion.startswith("route(") for u in decision.undetermined)
    rules = {(r.value, r.rule, r.cite) for r in conflicts["route"].rules}
    assert rules == {("joint_statement", "route_js", "251(b)"),
                     ("waived", "conflict_route", "overlay:route-conflict")}
    case_file = json.dumps(data, default=str)
    result = CliRunner().invoke(main, ["decide", "-", "--format", "json"], input=case_file)
    assert result.exit_code == 1
    assert {c["conclusion"] for c in json.loads(result.stdout)["conflicts"]} == {
        "route", "recommended"}


def test_without_the_overlay_the_test_pack_has_no_conflict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    data = yaml.safe_load(MARTINEZ.read_text())
    data.update(rule="conflict-demo", rule_version=None)
    assert decide(case_from_mapping(data), explain=False).conflicts == []


def test_packs_lists_both_packs_and_a_user_pack() -> None:
    result = CliRunner().invoke(main, ["--pack-path", str(TEST_PACKS), "packs", "--format",
                                       "json"])
    assert result.exit_code == 0, result.output
    ids = {p["id"] for p in json.loads(result.stdout)}
    assert {"edcal-lr251", "cdcal-lr37", "conflict-demo"} <= ids


def test_schema_for_the_second_pack() -> None:
    result = CliRunner().invoke(main, ["schema", "--pack", "cdcal-lr37"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["x-rulepath-pack"] == "cdcal-lr37"


def test_the_second_pack_decides_explains_and_draws() -> None:
    example = ROOT / "examples" / "cdcal-brackenwagen-v-galynsky.yaml"
    runner = CliRunner()
    for args in (["decide", str(example)], ["explain", str(example)],
                 ["graph", str(example), "--path", "--format", "dot"],
                 ["eval", str(example.parent)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)


# --- the engine names no pack ---------------------------------------------------------------


def _pack_words() -> set[str]:
    """Pack ids, every case-field path, and every predicate a pack defines beyond the core."""
    core_text = "".join(p.read_text() for p in (ROOT / "logic" / "core").glob("*.lp"))
    core = set(re.findall(r"\b([a-z][a-z0-9_]*)\(", core_text))
    core |= {name.removeprefix("input_") for name in core}  # the input kinds: timely, over...
    words: set[str] = set()
    for pack_id in pack_ids():
        pack = load_pack(pack_id)
        if not pack.root.resolve().is_relative_to((ROOT / "logic").resolve()):
            continue
        words.add(pack_id)
        words |= {f.path for f in pack.case_schema().fields}
        text = "".join(p.read_text() for p in pack.root.rglob("*.lp"))
        text = re.sub(r"%.*", "", text)
        text = re.sub(r'"[^"]*"', "", text)
        words |= set(re.findall(r"\b([a-z][a-z0-9_]*)\s*\(", text)) - core
    # Common English words that a pack happens to use as predicate names too, and that the
    # engine uses as plain Python names (an error's kind, a solve mode).
    # ("reading": the engine's Reader produces a Reading; the L.R. 251 pack's switchable
    # readings are reading/1.)
    ordinary = {"kind", "mode", "reading"}
    return {w for w in words if len(w) > 3} - ordinary


def test_no_engine_module_names_a_pack_its_fields_or_its_predicates() -> None:
    words = _pack_words()
    found = []
    for module in sorted((ROOT / "engine").glob("*.py")):
        text = module.read_text()
        for word in words:
            if re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text):
                found.append(f"{module.name}: {word}")
    assert not found, found


def test_the_batch_reports_a_conflict_with_its_rules_as_decide_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rulepath.engine.batch import BatchDecider

    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    data = yaml.safe_load(MARTINEZ.read_text())
    data.update(rule="conflict-demo", overlays=["route-conflict"], rule_version=None)
    case = case_from_mapping(data)
    want = decide(case, explain=False).to_dict(explanation=False)
    got = BatchDecider().decide(case)
    assert got["conflicts"] == want["conflicts"]
    assert all(c["rules"] for c in got["conflicts"])
