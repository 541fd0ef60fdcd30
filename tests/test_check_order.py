"""``rulepath check-order`` (issue 10): a draft order, the case file's ``order`` block, checked
against the rule on the case's facts.

The cases are YAML files in tests/data/check_order/, one per clause, each read after
fixtures.yaml (whose anchors they use: ``conference: *conference_refused``). A case gives the
facts (``format`` and ``as_of`` filled in when absent; ``defaults: false`` is
``--no-defaults``), the draft ``order`` and what the check must find: the overall
``verdict``; ``checks``, each matched by some check of the result (its ``element``,
``check``, ``verdict``, ``basis`` and ``cite`` equal, ``reason`` a part of its reason,
``depends_on`` among its facts); ``absent``, matched by none. bad_input.yaml holds the order
blocks the case model refuses, each with the field named and words of the message.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import rulepath
from rulepath.cli.check_order_cmd import check_order as command
from rulepath.engine.api import decide
from rulepath.engine.casefile import case_from_mapping
from rulepath.engine.check_order import FORMAT_ID, check_order
from rulepath.engine.errors import CaseError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "check_order"
FIXTURES = (DATA / "fixtures.yaml").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "martinez-v-smith-order.yaml"
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
CASE_KEYS = {"name", "facts", "order", "expect", "as_of", "rule_version", "defaults"}
EXPECT_KEYS = {"verdict", "checks", "absent"}
MATCH_KEYS = {"element", "check", "verdict", "basis", "cite", "reason", "depends_on"}
CHECK_FIELDS = {"element", "value", "check", "verdict", "basis", "reason", "cite", "depends_on"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FIXTURES + "\n" + path.read_text(encoding="utf-8"))
    return data


CASE_FILES = sorted(p for p in DATA.glob("*.yaml") if p.stem not in ("fixtures", "bad_input"))
CASES = [(p.stem, case) for p in CASE_FILES for case in _load(p)["cases"]]
BAD = _load(DATA / "bad_input.yaml")["cases"]


def _case(spec: dict[str, Any]) -> dict[str, Any]:
    case: dict[str, Any] = {"format": "rulepath/case-1", "as_of": spec.get("as_of", "2015-06-01")}
    case.update(copy.deepcopy(spec.get("facts", {})))
    if "rule_version" in spec:
        case["rule_version"] = spec["rule_version"]
    case["order"] = copy.deepcopy(spec["order"])
    return case


def _matches(check: dict[str, Any], want: dict[str, Any]) -> bool:
    for key, value in want.items():
        if key == "reason":
            if value not in check["reason"]:
                return False
        elif key == "depends_on":
            if not set(value) <= set(check["depends_on"]):
                return False
        elif check[key] != value:
            return False
    return True


def _shown(checks: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {c['element']} [{c['check']}] {c['verdict']}/{c['basis']} "
                     f"({c['cite']}): {c['reason']} {c['depends_on'] or ''}" for c in checks)


# --- the clauses ---------------------------------------------------------------------------


def test_the_case_files_are_found() -> None:
    assert {p.stem for p in CASE_FILES} >= {"251b_merits", "251e_exceptions", "cites",
                                            "findings", "sanctions", "dates"}
    assert len(CASES) >= 40


@pytest.mark.parametrize("spec", [c for _f, c in CASES],
                         ids=[f"{f}: {c['name']}" for f, c in CASES])
def test_clause_case(spec: dict[str, Any]) -> None:
    assert set(spec) <= CASE_KEYS, set(spec) - CASE_KEYS
    expect = spec["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    for want in (*expect.get("checks", ()), *expect.get("absent", ())):
        assert set(want) <= MATCH_KEYS, set(want) - MATCH_KEYS
    result = check_order(_case(spec), defaults=spec.get("defaults", True))
    checks = [c.to_dict() for c in result.checks]
    assert result.verdict == expect["verdict"], _shown(checks)
    assert result.ok is (expect["verdict"] != "inconsistent")
    for want in expect.get("checks", ()):
        assert any(_matches(c, want) for c in checks), f"{want} not in\n{_shown(checks)}"
    for unwanted in expect.get("absent", ()):
        assert not any(_matches(c, unwanted) for c in checks), f"{unwanted} in\n{_shown(checks)}"


def test_every_check_carries_its_cite_unless_outside_the_rule() -> None:
    for _f, spec in CASES:
        for c in check_order(_case(spec), defaults=spec.get("defaults", True)).checks:
            if c.basis != "outside" and c.check not in ("merits", "directive"):
                assert c.cite, (spec["name"], c)


def test_decide_ignores_the_order_block() -> None:
    spec = CASES[0][1]
    with_order = _case(spec)
    without = {k: v for k, v in with_order.items() if k != "order"}
    assert decide(with_order, explain=False).to_dict() == decide(without, explain=False).to_dict()


def test_a_case_without_an_order_block_is_refused_naming_order() -> None:
    with pytest.raises(CaseError) as caught:
        check_order(ROOT / "examples" / "martinez-v-smith.yaml")
    assert caught.value.field == "order"


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", BAD, ids=[c["name"] for c in BAD])
def test_bad_order_is_refused_naming_the_field(spec: dict[str, Any]) -> None:
    case = {"format": "rulepath/case-1", **spec.get("facts", {}), "order": spec["order"]}
    with pytest.raises(CaseError) as caught:
        case_from_mapping(case)
    assert caught.value.field == spec["field"], str(caught.value)
    for words in spec["says"]:
        assert words in caught.value.problem, caught.value.problem
    assert str(caught.value).isprintable()


@pytest.mark.parametrize("spec", BAD[:3], ids=[c["name"] for c in BAD[:3]])
def test_cli_bad_order_exits_2_with_one_line(spec: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    case = {"format": "rulepath/case-1", **spec.get("facts", {}), "order": spec["order"]}
    path.write_text(json.dumps(case), encoding="utf-8")
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"rulepath: {path}: {spec['field']}: ")


# --- the command line ----------------------------------------------------------------------


def _write(tmp_path: Path, spec: dict[str, Any]) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case(spec), default=str), encoding="utf-8")
    return path


def _spec(verdict: str, defaults: bool = True) -> dict[str, Any]:
    return next(c for _f, c in CASES if c["expect"]["verdict"] == verdict
                and c.get("defaults", True) == defaults)


def test_cli_exits_0_for_a_consistent_order() -> None:
    result = CliRunner().invoke(command, [str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "The draft order is consistent with the rule." in result.stdout
    assert "order.disposition: denied_without_prejudice" in result.stdout


def test_cli_exits_0_when_the_order_depends_on_unknown_facts(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, [str(_write(tmp_path, _spec("depends")))])
    assert result.exit_code == 0, result.output
    assert "Depends on: " in result.stdout
    path = _write(tmp_path, _spec("depends", defaults=False))
    assert "Depends on: " not in CliRunner().invoke(command, [str(path)]).stdout
    result = CliRunner().invoke(command, [str(path), "--no-defaults"])
    assert result.exit_code == 0 and "Depends on: conference.adequate" in result.stdout


def test_cli_exits_1_for_an_inconsistent_order(tmp_path: Path) -> None:
    path = _write(tmp_path, _spec("inconsistent"))
    for fmt in ("text", "json", "markdown"):
        result = CliRunner().invoke(command, [str(path), "--format", fmt])
        assert result.exit_code == 1, (fmt, result.output)
    assert "INCONSISTENT" in CliRunner().invoke(command, [str(path)]).stdout


def test_cli_exits_2_without_an_order_block() -> None:
    result = CliRunner().invoke(command, [str(ROOT / "examples" / "martinez-v-smith.yaml")])
    assert result.exit_code == 2
    assert result.stderr.startswith("rulepath: order: ")


def test_the_command_is_on_the_rulepath_group() -> None:
    from rulepath.cli.main import main

    result = CliRunner().invoke(main, ["check-order", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == FORMAT_ID


def test_json_shape(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, [str(_write(tmp_path, _spec("inconsistent"))),
                                          "--format", "json"])
    report = json.loads(result.stdout)
    assert set(report) == {"format", "case", "rule", "as_of", "verdict", "ok", "counts",
                           "elements", "checks", "decision"}
    assert report["format"] == "rulepath/check-order-1"
    assert report["verdict"] == "inconsistent" and report["ok"] is False
    assert set(report["rule"]) == {"pack", "version", "overlays"}
    assert set(report["counts"]) == {"consistent", "inconsistent", "depends"}
    assert report["counts"]["inconsistent"] >= 1
    assert sum(report["counts"].values()) == len(report["elements"])
    for element in report["elements"]:
        assert set(element) == {"element", "value", "verdict"}
    assert report["checks"]
    for check in report["checks"]:
        assert set(check) == CHECK_FIELDS
        assert check["verdict"] in ("consistent", "inconsistent", "depends")
        assert check["basis"] in ("rule", "discretion", "outside")
        assert isinstance(check["depends_on"], list)
        assert check["element"].startswith("order.")
    assert set(report["decision"]) == {"route", "ready_for_hearing", "recommended",
                                       "consistent", "options", "undetermined"}


def test_markdown_is_a_short_report() -> None:
    result = CliRunner().invoke(command, [str(EXAMPLE), "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Draft order check: Martinez v. Smith")
    assert "| element | as written | verdict | reason | cite |" in result.stdout


def test_python_api() -> None:
    assert "check_order" in rulepath.__all__ and "OrderCheck" in rulepath.__all__
    result = rulepath.check_order(str(EXAMPLE))
    assert isinstance(result, rulepath.OrderCheck)
    assert result.verdict == "consistent" and result.ok
    assert json.loads(json.dumps(result.to_dict()))["format"] == FORMAT_ID


def test_a_pack_of_its_own_words() -> None:
    cdcal = yaml.safe_load((ROOT / "examples" / "cdcal-brackenwagen-v-galynsky.yaml").read_text())
    cdcal["order"] = {"disposition": "other", "directs": [{"kind": "file_joint_stipulation"}],
                      "grounds": ["37-2.2"]}
    result = check_order(cdcal)
    assert result.rule.pack == "cdcal-lr37"
    assert {c.element for c in result.checks} == {"order.disposition", "order.grounds[0]",
                                                  "order.directs[0]"}


# --- the real orders -----------------------------------------------------------------------


def test_real_orders_are_found_consistent_and_their_mutations_flagged() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus of real orders at {CORPUS}: the shared corpus is not checked out")
    from bench.check_orders import TARGET_MUTATED, TARGET_ORIGINAL, run

    found = run(CORPUS)
    rows, mutants = found["rows"], found["mutants"]
    assert not found["errors"], found["errors"]
    assert len(rows) >= 60 and len(mutants) >= 100
    consistent = sum(1 for r in rows if r.verdict != "inconsistent") / len(rows)
    flagged = sum(1 for m in mutants if m.verdict == "inconsistent") / len(mutants)
    assert consistent >= TARGET_ORIGINAL, [(r.file, r.reasons) for r in rows
                                           if r.verdict == "inconsistent"]
    assert flagged >= TARGET_MUTATED, [(m.file, m.kind, m.what) for m in mutants
                                       if m.verdict != "inconsistent"]
    assert {m.kind for m in mutants} == {"disposition", "exception", "sanction", "numbering"}
