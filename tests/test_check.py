"""`rulepath check` (engine/check.py): gaps, conflicts and declared properties over every
fully known scenario, one clingo solve per question; each finding with a minimal witness case
that replays under `decide`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulepath
from rulepath.cli.main import main
from rulepath.engine.api import decide
from rulepath.engine.check import CheckResult, check

ROOT = Path(__file__).resolve().parent.parent
TEST_PACKS = ROOT / "tests" / "data" / "packs"

SHIPPED = [("edcal-lr251", "37-251"), ("edcal-lr251", "251"),
           ("edcal-lr251", "251-amended-14"), ("cdcal-lr37", "2010"),
           ("cdcal-lr37", "remote-conferral")]


@pytest.mark.parametrize(("pack", "version"), SHIPPED)
def test_every_shipped_version_has_no_gap_no_conflict_and_its_properties_hold(
        pack: str, version: str) -> None:
    result = check(pack, version=version)
    assert result.ok, result.to_dict()
    assert result.gaps == [] and result.conflicts == [] and result.violations == []
    assert len(result.properties) >= 8
    assert all(p.holds for p in result.properties)
    assert result.properties_file is not None and result.properties_file.endswith("properties.lp")
    assert result.questions == len(result.properties) + (5 if pack == "edcal-lr251" else 4)


def test_every_edcal_overlay_keeps_the_properties() -> None:
    from rulepath.engine.pack import load_pack

    overlays = list(load_pack("edcal-lr251").overlays)
    assert check("edcal-lr251", version="251", overlays=overlays).ok


def test_the_python_api_exposes_check() -> None:
    assert rulepath.check is check
    assert "check" in rulepath.__all__
    assert isinstance(rulepath.check("cdcal-lr37", as_of="2015-01-01"), CheckResult)


def test_the_cli_exits_0_and_writes_the_json_shape() -> None:
    out = CliRunner().invoke(main, ["check", "--version", "251", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["format"] == "rulepath/check-1" and data["ok"] is True
    assert data["pack"] == "edcal-lr251" and data["version"] == "251"
    assert {p["id"] for p in data["properties"]} >= {"ready_iff_not_blocked",
                                                     "late_filing_never_bars"}
    text = CliRunner().invoke(main, ["check", "--pack", "cdcal-lr37"])
    assert text.exit_code == 0 and "gaps: none" in text.output


@pytest.fixture
def test_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))


@pytest.mark.usefixtures("test_packs")
def test_a_broken_overlay_has_exactly_the_no_route_gap_and_its_witness_replays() -> None:
    assert check("broken-overlay", version="251").ok  # the pack without the overlay
    result = check("broken-overlay", version="251", overlays=["broken"])
    assert not result.ok
    assert [(g.kind, g.id) for g in result.gaps] == [("gap", "no_route")]
    assert result.conflicts == [] and result.violations == []
    witness = result.gaps[0].witness
    assert witness is not None and witness.case is not None and witness.replayed
    assert "affidavit_filed" in witness.inputs and len(witness.inputs) <= 10
    assert witness.case["overlays"] == ["broken"]
    decision = decide(witness.case)
    assert decision.governs is True and decision.route is None
    assert witness.explanation is not None and "conclusion" in witness.explanation


@pytest.mark.usefixtures("test_packs")
def test_the_cli_reports_the_gap_with_exit_1() -> None:
    out = CliRunner().invoke(main, ["check", "--pack", "broken-overlay", "--overlay", "broken",
                                    "--format", "json"])
    assert out.exit_code == 1, out.output
    data = json.loads(out.output)
    assert [g["id"] for g in data["gaps"]] == ["no_route"]
    assert data["gaps"][0]["witness"]["replayed"] is True
    text = CliRunner().invoke(main, ["check", "--pack", "broken-overlay", "--overlay", "broken"])
    assert text.exit_code == 1 and "gap no_route" in text.output and "case file:" in text.output


def test_a_failing_property_is_a_violation_with_a_minimal_replaying_witness(
        tmp_path: Path) -> None:
    props = tmp_path / "props.lp"
    props.write_text('property(never_affidavit, "No motion goes on the affidavit route.", "x").\n'
                     "violation(never_affidavit) :- holds(route(affidavit)).\n")
    result = check("edcal-lr251", version="251", properties=props)
    assert [v.id for v in result.violations] == ["never_affidavit"]
    assert result.properties[0].holds is False
    witness = result.violations[0].witness
    assert witness is not None and witness.case is not None and witness.replayed
    assert decide(witness.case).route == "affidavit"
    out = CliRunner().invoke(main, ["check", "--properties", str(props)])
    assert out.exit_code == 1 and "FAILS  never_affidavit" in out.output


@pytest.mark.parametrize(("args", "says"), [
    (["--properties", "/no/such/file.lp"], "--properties"),
    (["--version", "251", "--as-of", "2020-01-01"], "--as-of"),
    (["--overlay", "nope"], "overlay"),
    (["--pack", "nope"], "nope"),
])
def test_bad_input_exits_2(args: list[str], says: str) -> None:
    out = CliRunner().invoke(main, ["check", *args])
    assert out.exit_code == 2 and says in out.output


def test_a_properties_file_clingo_cannot_read_or_without_declarations_exits_2(
        tmp_path: Path) -> None:
    broken = tmp_path / "broken.lp"
    broken.write_text("violation(x :- .\n")
    out = CliRunner().invoke(main, ["check", "--properties", str(broken)])
    assert out.exit_code == 2 and "syntax error" in out.output
    undeclared = tmp_path / "undeclared.lp"
    undeclared.write_text("violation(x) :- holds(governs).\n")
    out = CliRunner().invoke(main, ["check", "--properties", str(undeclared)])
    assert out.exit_code == 2 and "no property(x" in out.output


def test_a_properties_file_that_empties_the_space_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.lp"
    empty.write_text(':- holds(governs).\n:- not holds(governs).\n')
    out = CliRunner().invoke(main, ["check", "--properties", str(empty)])
    assert out.exit_code == 2 and "no scenario is left" in out.output
