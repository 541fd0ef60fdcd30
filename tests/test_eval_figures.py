"""`rulepath eval`: the figures (coverage, flagged answers, firm precision, confident
disagreements, route mismatches), empty denominators, exit statuses and formats.

The arithmetic is tested on stable inputs: hand-made verdicts, synthetic decisions, and the
fixture folder tests/data/eval/sample with the engine's answers replaced by fixed ones (the
rule's outcomes on real orders move while logic/ is edited). The tests that run the real
engine assert only what does not depend on those outcomes.
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine import api
from rulepath.engine.casefile import Expected, load_case
from rulepath.engine.decision import Conflict, Decision, Disposition, RuleRef, Undetermined
from rulepath.engine.evaluate import (
    FIGURES,
    below,
    classify,
    evaluate,
    figure_value,
    is_flagged,
    render_markdown,
    render_text,
    score,
    summarise,
)
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "eval"
SAMPLE = DATA / "sample"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def expected(**fields: Any) -> Expected:
    """An expected block (validated as a case file's would be)."""
    return Expected.model_validate(fields)


def decision(
    ready: bool | None,
    route: str | None = None,
    recommended: str | None = None,
    consistent: tuple[str, ...] = (),
    depends_on: tuple[str, ...] = (),
    conflicts: tuple[Conflict, ...] = (),
) -> Decision:
    return Decision(
        case="synthetic",
        rule=RuleRef("edcal-lr251", "251", []),
        as_of="2020-01-01",
        governs=True,
        route=route,
        ready_for_hearing=ready,
        disposition=Disposition(recommended, list(consistent)),
        undetermined=[Undetermined("ready_for_hearing", list(depends_on))] if depends_on else [],
        conflicts=list(conflicts),
    )


# --- the classification of one answer --------------------------------------------------------

H, D, X, S = ("hear_on_merits", "deny_without_prejudice", "disregard_filings",
              "order_response_and_show_cause")


@pytest.mark.parametrize(
    ("consistent", "flagged"),
    [
        ((H,), False),  # nothing but the merits
        ((D, "drop_hearing"), False),  # no merits at all
        ((H, X), False),  # disregarding filings still hears the motion
        ((H, D), True),
        ((H, S), True),
        ((H, X, "continue_and_order_conference"), True),
        ((H, "deny_as_untimely"), True),
        ((), False),
        ((X,), False),
    ],
)
def test_is_flagged(consistent: tuple[str, ...], flagged: bool) -> None:
    assert is_flagged(consistent) is flagged


@pytest.mark.parametrize(
    ("ready", "merits", "recommended", "consistent", "kind", "agrees", "default_taken"),
    [
        (True, True, H, (H,), "agree", True, None),
        (False, False, D, (D,), "agree", True, None),
        (True, False, H, (H,), "differ", False, None),
        (False, True, D, (D, X), "differ", False, None),
        (True, True, H, (H, D), "flagged_agree", True, True),
        (False, False, D, (H, D), "flagged_agree", True, True),
        (True, False, H, (H, S), "flagged_differ", False, False),
        (False, True, D, (H, D), "flagged_differ", False, False),
        # the rule recommends the merits though not ready: agreement and the default part
        (False, True, H, (H, D), "flagged_differ", False, True),
        (None, True, None, (), "undetermined", False, None),
        (None, False, None, (H, D), "undetermined", False, None),  # flagged, no default
    ],
)
def test_classify(
    ready: bool | None,
    merits: bool,
    recommended: str | None,
    consistent: tuple[str, ...],
    kind: str,
    agrees: bool,
    default_taken: bool | None,
) -> None:
    verdict = classify(ready, merits, recommended, consistent)
    assert verdict.kind == kind
    assert verdict.agrees is agrees
    assert verdict.determined is (ready is not None)
    assert verdict.flagged is is_flagged(consistent)
    assert verdict.default_taken is default_taken


# --- figures from synthetic decisions --------------------------------------------------------

# file: (decision, expected merits_reached, expected route)
SYNTHETIC: dict[str, tuple[Decision, bool, str | None]] = {
    "a.yaml": (decision(False, "joint_statement", D, (D, "drop_hearing")), False,
               "joint_statement"),
    "b.yaml": (decision(True, "joint_statement", H, (H, D)), True, "joint_statement"),
    "c.yaml": (decision(True, None, H, (H, S)), False, "exception_sanctions_only"),
    "d.yaml": (decision(True, "not_governed", H, (H, X)), True, "waived"),
    "e.yaml": (decision(None, depends_on=("joint_statement.filed", "conference.held")), False,
               None),
    "f.yaml": (decision(False, "joint_statement", D, (D,)), True, None),
}


def synthetic_report() -> dict[str, Any]:
    rows = [score(name, d, expected(merits_reached=merits, route=route,
                                    disposition="denied"))
            for name, (d, merits, route) in SYNTHETIC.items()]
    rows.append({"file": "g.yaml", "error": "motion.kind: not one of the values"})
    return summarise(rows, directory="synthetic", skipped=["h.yaml"], case_files=8)


def counts(report: dict[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    return {name: (f["count"], f["of"]) for name, f in report["figures"].items()}


def test_figures_are_computed_exactly() -> None:
    report = synthetic_report()
    assert counts(report) == {
        "merits": (2, 3),  # b, d agree; f differs
        "not_merits": (1, 3),  # a agrees; c differs; e undetermined (a miss)
        "all": (3, 6),
        "route": (2, 4),  # a, b agree; c undetermined; d differs; e, f record none
        "coverage": (5, 6),
        "firm_precision": (2, 3),  # a, d agree, f differs; b and c are flagged
        "flagged": (2, 6),  # b, c ("disregard_filings" does not flag d)
        "default_taken": (1, 2),  # b took it, c did not
        "balanced": (None, None),
    }
    assert figure_value(report, "balanced") == Fraction(1, 2)  # (2/3 + 1/3) / 2
    assert report["figures"]["balanced"]["rate"] == 0.5
    assert report["figures"]["coverage"]["rate"] == round(5 / 6, 4)
    assert [r["file"] for r in report["confident_disagreements"]] == ["f.yaml"]
    assert [r["file"] for r in report["flagged_disagreements"]] == ["c.yaml"]
    assert [r["file"] for r in report["undetermined_answers"]] == ["e.yaml"]
    assert [r["file"] for r in report["route_mismatches"]] == ["c.yaml", "d.yaml"]
    assert [r["file"] for r in report["errors"]] == ["g.yaml"]
    assert (report["evaluable"], report["case_files"], report["skipped"]) == (6, 8, ["h.yaml"])
    # the figures first published keep their shape
    assert report["merits_reached"] == {"n": 3, "agree": 2, "undetermined": 0,
                                        "rate": round(2 / 3, 4)}
    assert report["merits_not_reached"] == {"n": 3, "agree": 1, "undetermined": 1,
                                            "rate": round(1 / 3, 4)}
    assert report["route"] == {"n": 4, "agree": 2, "rate": 0.5}
    assert report["balanced"] == 0.5


def test_reasons_name_the_defects_the_facts_and_the_options() -> None:
    report = synthetic_report()
    rows = {r["file"]: r for r in report["files"]}
    assert "reason" not in rows["a.yaml"]
    assert rows["e.yaml"]["reason"] == ("undetermined: depends on conference.held, "
                                        "joint_statement.filed")
    assert rows["f.yaml"]["reason"] == "engine: not ready; the court reached the merits " \
        "(court: denied)"
    assert rows["c.yaml"]["consistent"] == [H, S]
    text = render_text(report)
    assert "  c.yaml: engine ready, court no merits (court: denied); options: " \
           "hear_on_merits (recommended), order_response_and_show_cause" in text
    assert "confident disagreements (determined, no flag): 1; 0 of them where the court " \
           "itself treated the motion as the engine does (expected.court_treated_ready) -- " \
           "unexplained: 1\n  f.yaml: engine: not ready" in text


def test_undetermined_without_named_facts_says_so() -> None:
    row = score("x.yaml", decision(None), expected(merits_reached=True))
    assert row["reason"] == "undetermined"


def test_the_text_table_marks_route_and_flag_apart_and_never_prints_none() -> None:
    text = render_text(synthetic_report())
    table = [line for line in text.splitlines() if ".yaml: engine" in line
             and not line.startswith(" ")]
    by_file = {next(w for w in line.split() if w.endswith(".yaml:")): line for line in table}
    assert by_file["a.yaml:"].split()[:2] == ["agree", "agree"]
    assert by_file["b.yaml:"].split()[:3] == ["agree", "agree", "flag"]
    assert by_file["c.yaml:"].split()[:3] == ["DIFFER", "undet.", "flag"]
    assert by_file["d.yaml:"].split()[:2] == ["agree", "DIFFER"]  # not "agree" alone
    assert "route: engine not_governed, court waived" in by_file["d.yaml:"]
    assert "route: engine undetermined, court exception_sanctions_only" in by_file["c.yaml:"]
    assert by_file["e.yaml:"].split()[:2] == ["undet.", "-"]
    assert "ERROR" in text and "g.yaml" in text
    assert "None" not in text
    assert "None" not in render_markdown(synthetic_report())


def test_empty_denominators_are_na_never_100() -> None:
    report = summarise([score("a.yaml", decision(False, recommended=D, consistent=(D,)),
                              expected(merits_reached=False))])
    f = report["figures"]
    assert f["merits"] == {"count": 0, "of": 0, "rate": None}
    assert f["route"] == {"count": 0, "of": 0, "rate": None}
    assert f["default_taken"]["rate"] is None
    assert f["balanced"]["rate"] is None and report["balanced"] is None  # one kind only
    assert figure_value(report, "balanced") is None
    text = render_text(report)
    assert "0/0 = n/a" in text and "balanced        mean of the two:                 n/a" in text
    assert "not_merits      court did not reach the merits:  1/1 = 100.0%" in text  # a real 100%
    empty_lines = [line for line in text.splitlines() if "0/0" in line or "balanced " in line]
    assert len(empty_lines) == 3  # merits, balanced, route (no flagged answer: no default)
    assert all("n/a" in line and "100" not in line for line in empty_lines)
    empty = summarise([])
    assert all(fig["rate"] is None for fig in empty["figures"].values())
    assert "None" not in render_text(empty) and "100" not in render_text(empty)


def test_fail_under_compares_exact_values_and_na_fails() -> None:
    report = synthetic_report()
    assert below(report, [("balanced", 50.0), ("route", 50), ("coverage", 83.3)]) == []
    assert below(report, [("coverage", 83.34)]) == ["coverage 83.33% is below 83.34%"]
    assert below(report, [("balanced", 50.01)]) == ["balanced 50.00% is below 50.01%"]
    one_kind = summarise([score("a.yaml", decision(False), expected(merits_reached=False))])
    assert below(one_kind, [("merits", 0)]) == [
        "merits is n/a (nothing to count), so it cannot meet 0%"]
    assert set(FIGURES) == {"balanced", "merits", "not_merits", "coverage", "firm_precision",
                            "route"}
    # The command's own list (kept apart for a fast start; imported after cli.main, which
    # registers it).
    from rulepath.cli.eval_cmd import FIGURE_NAMES

    assert FIGURE_NAMES == FIGURES


# --- the command on the fixture folder, the engine's answers fixed ---------------------------

# The answers the engine is made to give on tests/data/eval/sample, by file stem.
FIXED: dict[str, Decision] = {
    "2010-02-25-martinez-v-smith": decision(False, "joint_statement", D, (D, "drop_hearing")),
    "2011-02-14-enriquez-v-city-of-fresno": decision(True, "joint_statement", H, (H, D)),
    "2015-09-01-johnson-v-khan": decision(True, None, H, (H, S)),
    "2008-01-31-chatman-v-felker": decision(True, "not_governed", H, (H, X)),
    "2013-03-15-causey-v-portfolio-acquisitions": decision(None, depends_on=("conference.held",)),
    "2013-07-10-thomas-young-v-sutter-central-valley-hospitals": decision(
        False, "joint_statement", D, (D,)),
}


@pytest.fixture
def fixed_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """`evaluate` decides through rulepath.engine.api.decide: give it the answers in FIXED,
    found by the case's caption."""
    by_caption = {case.caption: p.stem for p in SAMPLE.glob("*.yaml")
                  if (case := load_case(p)).expected is not None}

    def fake_decide(case: Any, *, defaults: bool = True, explain: bool = True) -> Decision:
        return FIXED[by_caption[case.caption]]

    monkeypatch.setattr(api, "decide", fake_decide)


def test_eval_sample_figures_exactly(fixed_engine: None) -> None:
    code, out, err = run("eval", str(SAMPLE), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    # The same six answers as SYNTHETIC, on the real orders' expected blocks.
    assert counts(report) == {
        "merits": (2, 3), "not_merits": (1, 3), "all": (3, 6), "route": (2, 4),
        "coverage": (5, 6), "firm_precision": (2, 3), "flagged": (2, 6),
        "default_taken": (1, 2), "balanced": (None, None),
    }
    assert report["figures"]["balanced"]["rate"] == 0.5
    assert report["skipped"] == ["zz-no-expected.yaml"] and report["case_files"] == 7
    assert [r["file"] for r in report["confident_disagreements"]] == [
        "2013-07-10-thomas-young-v-sutter-central-valley-hospitals.yaml"]
    assert [r["file"] for r in report["flagged_disagreements"]] == [
        "2015-09-01-johnson-v-khan.yaml"]


def test_eval_sample_text_and_markdown(fixed_engine: None) -> None:
    code, out, _ = run("eval", str(SAMPLE))
    assert code == 0
    assert "None" not in out
    assert "coverage        determined answers:              5/6 = 83.3%" in out
    assert "firm_precision  agreement, determined unflagged: 2/3 = 66.7%" in out
    assert "flagged answers:                 2/6 = 33.3%; the court took the rule's default " \
           "in 1/2 = 50.0%" in out
    assert "balanced        mean of the two:                 50.0%" in out
    assert "confident disagreements (determined, no flag): 1; 0 of them where the court " \
           "itself treated the motion as the engine does (expected.court_treated_ready) -- " \
           "unexplained: 1\n" \
           "  2013-07-10-thomas-young-v-sutter-central-valley-hospitals.yaml: engine: not " \
           "ready; the court reached the merits (court: denied)" in out
    assert "flagged disagreements (the rule left the court a choice): 1\n" \
           "  2015-09-01-johnson-v-khan.yaml: engine ready, court no merits (court: continued);" \
           " options: hear_on_merits (recommended), order_response_and_show_cause" in out
    code, md, _ = run("eval", str(SAMPLE), "--format", "markdown")
    assert code == 0 and md.startswith("# Agreement with real orders")
    assert "| `coverage` | determined answers | 5/6 | 83.3% |" in md
    assert "| `balanced` | mean of the two |  | 50.0% |" in md
    assert "None" not in md


@pytest.mark.parametrize(
    ("floors", "code", "message"),
    [
        ((), 0, ""),
        (("balanced=50",), 0, ""),
        (("balanced=50.1",), 1, "balanced 50.00% is below 50.1%"),
        (("coverage=80", "firm_precision=70%"), 1, "firm_precision 66.67% is below 70%"),
        (("route=50", "merits=66", "not_merits=33"), 0, ""),
        (("not_merits=34",), 1, "not_merits 33.33% is below 34%"),
    ],
)
def test_fail_under(fixed_engine: None, floors: tuple[str, ...], code: int, message: str) -> None:
    args = [a for floor in floors for a in ("--fail-under", floor)]
    got, out, err = run("eval", str(SAMPLE), *args)
    assert got == code, err
    assert "figures" in out  # the report is printed either way
    assert message in err


@pytest.mark.parametrize("bad", ["balanced", "precision=80", "balanced=abc", "balanced=101",
                                 "coverage=-1", "route=nan"])
def test_fail_under_rejects_bad_floors(bad: str) -> None:
    code, _, err = run("eval", str(SAMPLE), "--fail-under", bad)
    assert code == 2 and "--fail-under" in err


def test_a_conflicting_decision_is_an_error_row(
    fixed_engine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copy(SAMPLE / "2010-02-25-martinez-v-smith.yaml", tmp_path)
    shutil.copy(SAMPLE / "2011-02-14-enriquez-v-city-of-fresno.yaml", tmp_path)
    monkeypatch.setitem(FIXED, "2010-02-25-martinez-v-smith", decision(
        False, conflicts=(Conflict("route", ["joint_statement", "waived"], []),)))
    code, out, err = run("eval", str(tmp_path))
    assert code == 1
    assert ("ERROR                 2010-02-25-martinez-v-smith.yaml: the rules conflict: route "
            "drawn as joint_statement, waived") in out
    assert "could not be decided" in err


# --- the command with the real engine: what does not depend on the rule's outcomes -----------


def consistent_with_rows(report: dict[str, Any]) -> None:
    rows = [r for r in report["files"] if "error" not in r]
    f = report["figures"]
    assert f["all"]["of"] == len(rows) == report["evaluable"]
    assert f["coverage"]["count"] == sum(r["ready_for_hearing"] is not None for r in rows)
    assert f["flagged"]["count"] == sum(is_flagged(r["consistent"]) for r in rows)
    firm = [r for r in rows if r["ready_for_hearing"] is not None and not r["flagged"]]
    assert (f["firm_precision"]["count"], f["firm_precision"]["of"]) == (
        sum(r["ready_for_hearing"] == r["merits_reached"] for r in firm), len(firm))
    assert {r["file"] for r in report["confident_disagreements"]} == {
        r["file"] for r in firm if r["ready_for_hearing"] != r["merits_reached"]}
    for r in report["confident_disagreements"] + report["flagged_disagreements"]:
        assert r["reason"]


def test_real_engine_on_the_sample() -> None:
    code, out, err = run("eval", str(SAMPLE), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["evaluable"] == 6 and report["skipped"] == ["zz-no-expected.yaml"]
    assert report["errors"] == []
    consistent_with_rows(report)
    code, text, _ = run("eval", str(SAMPLE))
    assert code == 0 and "None" not in text


def test_an_unreadable_file_exits_1_and_the_table_is_still_printed() -> None:
    code, out, err = run("eval", str(DATA / "with_error"))
    assert code == 1
    assert "ERROR                 2099-01-01-bad-enum.yaml: motion.kind: 'compell' is not one " \
           "of" in out
    assert "2010-02-25-martinez-v-smith.yaml: engine" in out and "figures" in out
    assert "errors: 1" in out
    assert "1 file(s) could not be decided" in err
    code, out, _ = run("eval", str(DATA / "with_error"), "--format", "json")
    assert code == 1 and len(json.loads(out)["errors"]) == 1


def test_a_folder_with_nothing_to_evaluate_is_exit_2(tmp_path: Path) -> None:
    code, out, err = run("eval", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.strip() == f"rulepath: {tmp_path}: no case file (*.yaml, *.yml, *.json) to " \
                          "evaluate"
    code, out, err = run("eval", str(DATA / "no_expected"), "--format", "json")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "no evaluable case file: 1 of 1 have no " \
        "expected.merits_reached" in err
    (tmp_path / "bad.yaml").write_text("format: rulepath/case-1\nmotion: {kind: compell}\n")
    code, _, err = run("eval", str(tmp_path))
    assert code == 2 and "1 could not be decided (first: motion.kind:" in err


def test_the_library_call_does_not_raise_on_an_empty_folder(tmp_path: Path) -> None:
    report = evaluate(tmp_path)
    assert report["evaluable"] == 0 and report["balanced"] is None


def test_the_dev_corpus_report_is_consistent(shared: Path) -> None:
    """Skips without ../shared (see conftest.shared)."""
    report = evaluate(shared / "corpus" / "dev")
    assert not report["errors"] and report["evaluable"] == 65
    consistent_with_rows(report)
    assert "None" not in render_text(report)
