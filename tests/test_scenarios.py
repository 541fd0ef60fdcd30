"""The scenario space (engine/scenarios.py, `rulepath scenarios`): counted exactly, sampled
reproducibly, and every written case replays under decide with the scenario's facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.api import decide
from rulepath.engine.casefile import load_case
from rulepath.engine.facts import case_facts
from rulepath.engine.pack import load_pack
from rulepath.engine.program import Program, program_for
from rulepath.engine.scenarios import (
    Unrealisable,
    count_scenarios,
    sample_scenarios,
    scenario_atoms,
    scenario_control,
    witness_case,
)

ROOT = Path(__file__).resolve().parents[1]
TEST_PACKS = ROOT / "tests" / "data" / "packs"
# The edcal-lr251 count is the same for every version (the versions change day counts, and
# only the order of dates is constrained): 2^62 free inputs times the constrained groups.
EDCAL = 2**62 * 2073 * 6 * 3 * 2 * 3 * 3 * 3


def _program(pack_id: str, version: int = 0, overlays: tuple[str, ...] = ()) -> Program:
    pack = load_pack(pack_id)
    return program_for(pack, pack.versions[version], overlays)


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> Program:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
    return _program("scenario-tiny")


def test_the_tiny_pack_counts_as_by_hand(tiny: Program) -> None:
    # 2^3 booleans * 3 colours * 3 of the 4 timely pairs (met at 14 days implies at 7)
    count = count_scenarios(tiny)
    assert count.known == 8 * 3 * 3
    assert count.kinds == {"bool": 3, "value": 3, "timely": 2}
    # the independence count agrees with enumerating the whole projected space
    ctl = scenario_control(tiny, ("--project",))
    ctl.configuration.solve.models = "0"  # type: ignore[union-attr]
    with ctl.solve(yield_=True) as handle:
        assert sum(1 for _ in handle) == 72
    assert count.with_unknowns == 3**5 * 4


def test_the_edcal_count_is_stable_for_every_version() -> None:
    pack = load_pack("edcal-lr251")
    for version in pack.versions:
        count = count_scenarios(program_for(pack, version, ()))
        assert count.known == EDCAL, version.id
        assert count.kinds == {"bool": 41, "member": 23, "other": 1, "present": 2,
                               "timely": 11, "value": 20}


def test_the_count_command_reports_text_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["scenarios", "--version", "251", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["fully_known"] == EDCAL and report["version"] == "251"
    assert report["with_unknowns_formula"].startswith("3^54")
    text = runner.invoke(main, ["scenarios", "--as-of", "2024-01-01", "--count"])
    assert text.exit_code == 0 and "251-amended-14" in text.stdout
    assert str(EDCAL) in text.stdout


def test_samples_are_reproducible_by_seed() -> None:
    program = _program("edcal-lr251", 1)
    first = list(sample_scenarios(program, 5, 11))
    assert first == list(sample_scenarios(program, 5, 11))
    assert first != list(sample_scenarios(program, 5, 12))
    assert len({tuple(sorted((str(k), v) for k, v in a.items())) for a in first}) == 5


@pytest.mark.parametrize("version", [0, 1, 2])
def test_written_samples_replay_under_decide(tmp_path: Path, version: int) -> None:
    program = _program("edcal-lr251", version, ("joint-statement-page-limit-25",))
    pack = program.pack.id
    result = CliRunner().invoke(main, [
        "scenarios", "--pack", pack, "--version", program.version.id,
        "--overlay", "joint-statement-page-limit-25", "--sample", "12", "--seed", "5",
        "-o", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] + report["unrealisable"] == 12 and report["written"] >= 6
    samples = list(sample_scenarios(program, 12, 5))
    skipped = {s["index"] for s in report["skipped"]}
    files = iter(sorted(tmp_path.glob("*.yaml")))
    for i, assignment in enumerate(samples, 1):
        if i in skipped:
            continue
        case = load_case(next(files))
        facts = case_facts(program, case, defaults=False)
        assert {d.term: facts.known.get(d) for d in program.inputs} == assignment
        decision = decide(case, explain=False)
        assert not decision.conflicts
        atoms = {str(a) for a in scenario_atoms(program, assignment)}
        assert (decision.route is None) or f"route({decision.route})" in atoms


def test_an_unrealisable_scenario_is_refused() -> None:
    program = _program("edcal-lr251", 1)
    assignment = next(iter(sample_scenarios(program, 1, 1)))
    timely = {d.term: d for d in program.inputs if d.kind == "timely"}
    for term, decl in timely.items():  # concurrent missed, statement with motion missed,
        name = str(decl.value)          # joint statement timely: no dates give it
        if name == "hearing_notice_concurrent":
            assignment[term] = False
        if name in ("hearing_notice", "hearing_notice_exception", "hearing_notice_mail"):
            assignment[term] = False
    for d in program.inputs:
        if str(d.term) in ("js_filed", "hearing_noticed"):
            assignment[d.term] = True
    for term, decl in timely.items():
        if str(decl.value) == "statement_with_motion":
            assignment[term] = False
        if str(decl.value) == "joint_statement_due":
            assignment[term] = True
    with pytest.raises(Unrealisable):
        witness_case(program, assignment)
