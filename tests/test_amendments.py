"""Amendments (issue 9, item 3): .lp files in the overlay style loaded on top of a version and
its overlays, validated first; each error one line FILE:LINE: problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.amendment import AmendmentError, load_amendment, validate
from rulepath.engine.api import decide
from rulepath.engine.errors import RulepathError
from rulepath.engine.pack import load_pack
from rulepath.engine.program import Program, program_for
from tests.conftest import ROOT

AMENDMENTS = ROOT / "logic" / "edcal_lr251" / "amendments"
SHIPPED = sorted(AMENDMENTS.glob("*.lp"))

# A motion to compel on the joint-statement path with every fact stated (251(b) fixtures).
BASE: dict[str, Any] = {
    "format": "rulepath/case-1",
    "as_of": "2015-06-01",
    "rule": "edcal-lr251",
    "motion": {
        "kind": "compel", "rules": ["frcp-37"], "relief": ["compel"],
        "moving_party": "plaintiff", "filed_on": "2015-05-01", "hearing_on": "2015-06-03",
        "ex_parte": False, "filed_with_joint_statement": False,
    },
    "opponent": {"contributed": True},
    "schedule": {
        "motion_cutoff": "2015-09-01", "motion_after_cutoff": False, "lr251_waived": False,
        "conference_reimposed": False,
    },
    "conference": {"held": True, "adequate": True, "modes": ["telephone"]},
    "responses": {"served": "partial", "to": "request"},
    "joint_statement": {
        "filed_on": "2015-05-27", "compliant": True, "signed_by_all": True,
        "single_document": True, "separate_briefs_filed": False,
        "contains": {
            "conference_details": True, "nature_of_action": True, "contentions": True,
            "items_in_full": True,
        },
    },
    "affidavit": {"filed": False},
}


def case(**sections: Any) -> dict[str, Any]:
    """BASE with whole sections replaced."""
    found = copy.deepcopy(BASE)
    found.update(copy.deepcopy(sections))
    return found


def late_statement() -> dict[str, Any]:
    """BASE with the statement filed 12 days before the hearing: timely under 7 days only."""
    found = case()
    found["joint_statement"]["filed_on"] = "2015-05-22"
    return found


def program(version: str = "251", overlays: tuple[str, ...] = ()) -> Program:
    pack = load_pack("edcal-lr251")
    return program_for(pack, next(v for v in pack.versions if v.id == version), overlays)


def amendment(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "amend.lp"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = amendment(tmp_path, text)
    return validate(program(), str(path), text)


def decided(c: dict[str, Any], amend: Path | None = None) -> dict[str, Any]:
    return decide(c, amend=amend, explain=False).to_dict()


def defects(d: dict[str, Any]) -> set[str]:
    return {x["id"] if isinstance(x, dict) else x for x in d["defects"]}


# --- the shipped amendments --------------------------------------------------------------


def test_three_amendments_are_shipped_with_a_header() -> None:
    assert {p.name for p in SHIPPED} >= {
        "written_correspondence_suffices.lp",
        "statement_due_14_days.lp",
        "total_failure_excludes_initial_disclosures.lp",
    }
    for path in SHIPPED:
        head = path.read_text(encoding="utf-8").split("\n\n")[0]
        for word in ("what it would change", "Clause", "Scenarios it should change"):
            assert word in head, (path.name, word)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
@pytest.mark.parametrize("version", ["251", "251-amended-14"])
def test_shipped_amendments_validate(path: Path, version: str) -> None:
    assert validate(program(version), str(path), path.read_text(encoding="utf-8")) == []


def test_written_correspondence_meets_the_conference() -> None:
    c = case(conference={
        "held": False, "modes": ["written"], "movant_effort": True, "opponent_refused": False,
    })
    before = decided(c)
    assert "no_conference" in defects(before) and before["ready_for_hearing"] is False
    after = decided(c, AMENDMENTS / "written_correspondence_suffices.lp")
    assert "no_conference" not in defects(after) and after["ready_for_hearing"] is True
    # the opponent's refusal is no good-faith exchange: unchanged
    refused = copy.deepcopy(c)
    refused["conference"]["opponent_refused"] = True
    assert "no_conference" in defects(
        decided(refused, AMENDMENTS / "written_correspondence_suffices.lp"))


def test_written_correspondence_does_not_undo_no_written_conferral() -> None:
    c = case(
        conference={
            "held": False, "modes": ["written"], "movant_effort": True,
            "opponent_refused": False,
        },
        overlays=["no-written-conferral"],
    )
    after = decided(c, AMENDMENTS / "written_correspondence_suffices.lp")
    assert "no_conference" not in defects(after)
    assert "conference_not_live" in defects(after)


def test_statement_due_14_days_makes_a_12_day_statement_late() -> None:
    c = late_statement()
    assert "joint_statement_late" not in defects(decided(c))
    after = decided(c, AMENDMENTS / "statement_due_14_days.lp")
    assert "joint_statement_late" in defects(after)
    due = {d["id"]: d for d in after["deadlines"]}
    assert due["joint_statement_due"]["days"] == 14


def test_statement_due_14_days_is_refused_on_a_version_that_replaced_it() -> None:
    path = AMENDMENTS / "statement_due_14_days.lp"
    with pytest.raises(AmendmentError) as error:
        load_amendment(program("37-251"), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("param("))
    assert f"{path}:{line}: " in str(error.value) and "already replaces" in str(error.value)


def test_initial_disclosures_lose_the_total_failure_exception() -> None:
    c = case(responses={"served": "none", "to": "initial_disclosures"},
             joint_statement={"filed": False}, conference={"held": False})
    before = decided(c)
    assert before["route"] == "exception_total_failure"
    after = decided(c, AMENDMENTS / "total_failure_excludes_initial_disclosures.lp")
    assert after["route"] == "joint_statement"
    assert {"no_conference", "no_joint_statement"} <= defects(after)
    # requests are untouched
    request = case(responses={"served": "none", "to": "request"},
                   joint_statement={"filed": False}, conference={"held": False})
    assert decided(request, AMENDMENTS / "total_failure_excludes_initial_disclosures.lp")[
        "route"] == "exception_total_failure"


def test_an_amended_program_is_cached_apart() -> None:
    c = late_statement()
    decided(c, AMENDMENTS / "statement_due_14_days.lp")
    assert "joint_statement_late" not in defects(decided(c))


# --- invalid amendments are refused naming the line --------------------------------------

GOOD = 'rule(am_x, met(conference), "amendment:x").\nif(am_x, mode(written)).\n'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD + '#include "other.lp".\n', 3, "#include is not allowed"),
        (GOOD + "% fine\n:- holds(met(conference)).\n", 4, "integrity constraints"),
        (GOOD + "input(conference_held, \"conference.held\").\n", 3, "must not fake"),
        (GOOD + "holds(conference_held).\n", 3, "must not fake"),
        ('rule(am_y, conference_held, "x").\n', 1, "case fact conference_held"),
        (GOOD + '\nrule(am_d, defeats(met_conferenc), "x").\n', 4,
         "did you mean met_conference?"),
        (GOOD + 'rule(am_z, met(conference), "x").\nif(am_z, movant_efort).\n', 4,
         "did you mean movant_effort?"),
        (GOOD + "#show met/1.\n", 3, "#show is not allowed"),
        (GOOD + '#script (python)\nx = 1\n#end.\n', 3, "#script is not allowed"),
        (GOOD + "#external conference_held.\n", 3, "#external is not allowed"),
        (GOOD + "#program extra.\n", 3, "#program is not allowed"),
        (GOOD + "{ rule(am_c, met(conference), \"x\") }.\n", 3, "choice rules"),
        (GOOD + "replaced_param(statement_due_dayz).\n", 3, "did you mean statement_due_days?"),
        (GOOD + "if(met_conference, mode(written)).\n", 3, "never edits the base"),
        (GOOD + "foo(bar).\n", 3, "not a declaration"),
        (GOOD + 'rule(am_q, met(conference), "x") :- holds(movant_effort).\n', 3,
         "the body reads"),
        (GOOD + 'rule(am_v(X), met(conference), "x").\n', 3, "unsafe"),
        ("rule(am_x, met(conference)\nif(am_x, mode(written)).\n", 2, "syntax error"),
    ],
)
def test_invalid_amendments_are_refused_with_the_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = amendment(tmp_path, text)
    errors = validate(program(), str(path), text)
    assert errors, text
    assert errors[0].startswith(f"{path}:{line}: "), errors
    assert words in errors[0], errors
    with pytest.raises(AmendmentError) as error:
        decide(BASE, amend=path)
    assert isinstance(error.value, RulepathError) and error.value.field == "amend"
    assert "\n" not in str(error.value)


def test_a_good_amendment_passes(tmp_path: Path) -> None:
    assert errors_of(tmp_path, GOOD) == []


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AmendmentError, match="cannot read"):
        decide(BASE, amend=tmp_path / "nope.lp")


# --- the command line ---------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_decide_amend(tmp_path: Path) -> None:
    c = late_statement()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(c), encoding="utf-8")
    code, out, _ = run("decide", str(path), "--format", "json")
    assert code == 0 and "joint_statement_late" not in defects(json.loads(out))
    code, out, _ = run("decide", str(path), "--format", "json",
                       "--amend", str(AMENDMENTS / "statement_due_14_days.lp"))
    assert code == 0 and "joint_statement_late" in defects(json.loads(out))


def test_cli_bad_amendment_exits_2_with_file_and_line(tmp_path: Path) -> None:
    case_path = tmp_path / "case.json"
    case_path.write_text(json.dumps(BASE), encoding="utf-8")
    bad = amendment(tmp_path, GOOD + ":- holds(met(conference)).\n")
    code, out, err = run("decide", str(case_path), "--amend", str(bad))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"rulepath: --amend: {bad}:3: integrity constraints (:- ...) are not allowed: an "
        "amendment must not make a case unsatisfiable"
    ]
