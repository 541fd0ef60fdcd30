"""rulepath diff: two rule versions compared in one clingo program; witnesses replay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

import rulepath
from rulepath.cli.main import main
from rulepath.engine.diff import Diff, diff
from rulepath.engine.pack import logic_root

AMEND = str(logic_root() / "edcal_lr251" / "amendments" / "statement_due_14_days.lp")
TIMELY = ("requirement(joint_statement_timely)", "met", "unmet")


@pytest.fixture(scope="module")
def to_14() -> Diff:
    return diff("edcal-lr251", from_version="251", to_version="251-amended-14", budget=None)


def _replayed(result: Diff) -> None:
    # a witness replays, except where the symbolic space reads a deadline on an absent date
    # as missed and the engine leaves it unknown (said in the pattern's note)
    for p in result.patterns:
        if p.witness is not None and not p.replays:
            assert "absent date" in p.note and "unknown" in p.note.split(":")[0], p.note
    assert any(p.replays for p in result.patterns)


def test_seven_to_fourteen_days_changes_timeliness_with_a_witness(to_14: Diff) -> None:
    assert to_14.changed and to_14.changes["defect"] and not to_14.changes["route"]
    assert TIMELY in to_14.transitions
    pattern = next(p for p in to_14.patterns if (p.dimension, p.before, p.after) == TIMELY)
    assert pattern.replays and pattern.witness is not None
    assert pattern.decided["a"]["requirements"]["joint_statement_timely"] == "met"
    assert "joint_statement_late" in pattern.decided["b"]["defects"] \
        or pattern.decided["b"]["defects"] != pattern.decided["a"]["defects"]
    from datetime import date
    filed = date.fromisoformat(pattern.witness["joint_statement"]["filed_on"])
    hearing = date.fromisoformat(pattern.witness["motion"]["hearing_on"])
    assert 7 <= (hearing - filed).days <= 16  # 7-13, a due date on a weekend backs off
    sides = {c.side for c in pattern.conditions if "joint_statement_due" in c.path}
    assert sides == {"a", "b"}
    _replayed(to_14)


def test_the_amendment_matches_the_version_on_timeliness(to_14: Diff) -> None:
    amended = diff("edcal-lr251", as_of="2015-01-01", amend=AMEND)
    timely = {t for t in to_14.transitions if t[0].endswith("_timely)") and t[1] == "met"}
    assert timely <= set(amended.transitions)
    _replayed(amended)


def test_a_version_against_itself_changes_nothing() -> None:
    same = diff("edcal-lr251", from_version="251", to_version="251")
    assert not same.changed and same.transitions == [] and same.patterns == []


def test_an_overlay_adds_a_live_conference_requirement() -> None:
    result = diff("edcal-lr251", as_of="2024-01-01", overlays=["no-written-conferral"])
    assert ("ready_for_hearing", "true", "false") in result.transitions
    assert any(t[0] == "requirement(live_conference)" and t[2] == "unmet"
               for t in result.transitions)
    _replayed(result)


def test_37_251_to_251_without_patterns() -> None:
    result = diff("edcal-lr251", from_version="37-251", to_version="251", patterns=False)
    assert result.changed and result.changes["route"]
    assert any(t[0] == "route" for t in result.transitions)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_cli_formats(fmt: str) -> None:
    run = CliRunner().invoke(main, ["diff", "--from", "251", "--to", "251-amended-14",
                                    "--format", fmt])
    assert run.exit_code == 0, run.output
    if fmt == "json":
        data: dict[str, Any] = json.loads(run.output)
        assert data["format"] == "rulepath/diff-1" and data["changed"] is True
        assert data["patterns"][0]["witness"] is not None or data["patterns"][0]["note"]
    else:
        assert "joint_statement_timely" in run.output


def test_cli_needs_one_change() -> None:
    run = CliRunner().invoke(main, ["diff"])
    assert run.exit_code == 2 and "name one change" in run.output


def test_python_api() -> None:
    assert rulepath.diff is diff


def test_the_joint_space_of_a_version_and_itself_is_its_scenario_space() -> None:
    # two independent methods: Ganak on the joint program's completion, and clingo's
    # enumeration of each independent group of one side's inputs (scenarios.py)
    from rulepath.engine.diff import compare, sides
    from rulepath.engine.scenarios import count_scenarios

    a, b = sides("edcal-lr251", from_version="251", to_version="251")
    assert compare(a, b, patterns=False).scenarios == count_scenarios(a).known


def test_each_output_and_transition_is_counted_exactly_on_request(to_14: Diff) -> None:
    from rulepath.engine.diff import compare

    a, b = to_14.extra["programs"]
    each = compare(a, b, patterns=False, count_each=True)
    assert each.scenarios == to_14.scenarios and not each.count_note
    assert set(each.transitions) == set(to_14.transitions)
    for key in each.transitions:
        n = each.transition_counts[key]
        assert n is not None and 0 < n < each.scenarios
    for name, changes in each.changes.items():
        n = each.change_counts[name]
        assert n is not None and (n > 0) == changes
    # a transition of a dimension is a change of the output that dimension reads
    by_dim: dict[str, int] = {}
    for (dim, _, _), n in each.transition_counts.items():
        by_dim[dim] = by_dim.get(dim, 0) + (n or 0)
    if "recommended" in by_dim:
        assert by_dim["recommended"] <= (each.change_counts["recommended"] or 0)


def test_counts_are_exact_or_not_counted(to_14: Diff) -> None:
    assert to_14.scenarios and to_14.scenarios > 0
    for key in to_14.transitions:
        n = to_14.transition_counts[key]
        assert n is None or 0 < n <= to_14.scenarios
    assert set(to_14.change_counts) == set(to_14.changes)


def test_the_main_decisions_get_patterns_first_within_the_budget() -> None:
    result = diff("edcal-lr251", from_version="37-251", to_version="251")
    assert result.seconds < 2.0
    assert {(p.dimension, p.before, p.after) for p in result.patterns} | set(result.skipped) \
        == set(result.transitions)
    main = [p.dimension in ("route", "ready_for_hearing", "recommended")
            for p in result.patterns]
    assert main == sorted(main, reverse=True)  # the main decisions first

def test_markdown_is_a_report_with_a_graph_and_witnesses() -> None:
    run = CliRunner().invoke(main, ["diff", "--from", "251", "--to", "251-amended-14",
                                    "--format", "markdown"])
    assert run.exit_code == 0, run.output
    for part in ("## Summary", "## Transitions", "```mermaid", "Δ", "```yaml",
                 "| before (a) | after (b) |"):
        assert part in run.output


def test_a_flag_turning_false_is_a_transition_not_a_gap() -> None:
    # ready_for_hearing is a flag: its absence is the value false, never a missing value
    result = diff("edcal-lr251", as_of="2015-01-01", patterns=False,
                  amend="logic/edcal_lr251/amendments/"
                        "total_failure_excludes_initial_disclosures.lp")
    assert ("ready_for_hearing", "true", "false") in result.transitions
    assert result.gaps == [] and result.conflicts == []
