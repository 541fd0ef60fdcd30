"""``rulepath interview`` over a plain pipe, the questions it asks (engine/questions.py), and
``rulepath decide --ask``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import rulepath
from rulepath.cli.main import main
from rulepath.engine.api import as_case, program_for_case
from rulepath.engine.facts import case_facts
from rulepath.engine.questions import (
    Interview,
    Question,
    Solver,
    determining_sets,
    model_for,
    next_questions,
    open_outputs,
    outputs_of_interest,
    smallest_determining_sets,
)
from rulepath.engine.solve import solve
from tests.conftest import EXAMPLE

HEADER = ("format", "rule", "as_of", "rule_version", "caption", "court", "docket")
# A motion to compel with no conference and no joint statement: what a joint statement holds
# cannot matter.
NO_STATEMENT = {
    "format": "rulepath/case-1",
    "rule": "edcal-lr251",
    "as_of": "2015-06-01",
    "motion": {"kind": "compel"},
    "conference": {"held": False},
    "joint_statement": {"filed": False},
}
# Everything but whether a joint statement was filed: that one fact decides readiness.
ONE_FACT = {
    "format": "rulepath/case-1",
    "rule": "edcal-lr251",
    "as_of": "2015-06-01",
    "motion": {"kind": "compel", "rules": ["frcp-37"], "relief": ["compel"],
               "moving_party": "plaintiff", "movant_incarcerated": False},
    "opponent": {"incarcerated": False, "identified": True},
    "schedule": {"lr251_waived": False},
    "responses": {"served": "partial", "served_at_filing": "partial"},
    "conference": {"held": True, "adequate": True},
}


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _given(data: dict[str, Any], field: str) -> tuple[bool, Any]:
    node: Any = data
    *parents, name = field.split(".")
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or name not in node:
        return False, None
    return True, node[name]


def _reply(q: Question, value: Any) -> str:
    """A value as one types it at the prompt."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value) if value else "none"
    return value.isoformat() if isinstance(value, date) else str(value)


def _replies(facts: dict[str, Any], start: dict[str, Any]) -> list[str]:
    """The replies an interview starting at ``start`` gets when every question is answered
    from ``facts`` ("" where they do not say): found by running the engine's interview."""
    session = Interview.start(start)
    replies = []
    while questions := session.questions():
        q = questions[0]
        known, value = _given(facts, q.field)
        if known and (value is not None or q.nullable):
            session.answer(q.field, value)
            replies.append(_reply(q, value))
        else:
            session.skip(q.field)
            replies.append("")
    return replies


def _prompts(text: str) -> list[str]:
    """The fields asked, in order, as a transcript over a pipe shows them."""
    return [line.split("> ", 1)[0] for line in text.splitlines() if "> " in line
            and not line.startswith(" ") and "." in line.split("> ", 1)[0]]


# --- the founding case, over a pipe -----------------------------------------------------------


def test_interview_of_the_founding_case_reaches_the_founding_decision(tmp_path: Path) -> None:
    facts = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    header = {k: facts[k] for k in HEADER if k in facts}
    start = _write(tmp_path / "start.yaml", header)
    replies = _replies(facts, header)
    assert 0 < len(replies) < len(as_case(EXAMPLE).field_specs) / 3
    out = tmp_path / "martinez.yaml"
    code, stdout, stderr = run("interview", str(start), "-o", str(out),
                               input="\n".join(replies) + "\n")
    assert code == 0, stderr
    assert "\x1b" not in stdout  # a pipe gets no escape codes
    # the founding decision leaves one exposure open (a refusal to sign that the order does
    # not mention): the interview asks until no question can change it, then stops
    assert "No question left can change what is still open" in stdout
    assert "still open: Exposure of opposing counsel" in stdout
    assert f"Case file written to {out}" in stdout
    founding = rulepath.decide(EXAMPLE)
    written = rulepath.decide(out)
    for key in ("governs", "route", "ready_for_hearing", "defects", "sanctions", "readiness"):
        assert getattr(written, key) == getattr(founding, key), key
    assert [u.conclusion for u in written.undetermined] == [
        u.conclusion for u in founding.undetermined]
    assert [d.id for d in written.deadlines] == [d.id for d in founding.deadlines]
    assert written.disposition.recommended == founding.disposition.recommended == (
        "deny_without_prejudice")
    assert written.rule == founding.rule
    # and the file decides the same under the command line
    code, text, _ = run("decide", str(out), "--format", "json")
    assert code == 0 and json.loads(text)["route"] == founding.route
    assert "Route:" in stdout and "Joint statement" in stdout  # the decision is printed


def test_without_output_the_case_file_goes_to_stdout_and_the_rest_to_stderr() -> None:
    code, stdout, stderr = run("interview", "--as-of", "2015-06-01",
                               input="not_discovery\n")
    assert code == 0
    data = yaml.safe_load(stdout)
    assert data["motion"] == {"kind": "not_discovery"} and data["rule"] == "edcal-lr251"
    assert data["as_of"] == date(2015, 6, 1)
    assert "motion.kind> not_discovery" in stderr
    assert rulepath.decide(data).route == "not_governed"


# --- only questions that can change something ----------------------------------------------------


def _interest_outcome(case: Any) -> tuple[frozenset[str], frozenset[str]]:
    program = program_for_case(case)
    cons = solve(program, case_facts(program, case).assumptions)
    names = outputs_of_interest(program)
    pick = lambda atoms: frozenset(str(a) for a in atoms if a.name in names)  # noqa: E731
    return pick(cons.certain), pick(cons.possible)


def test_a_question_that_cannot_change_anything_is_never_asked(tmp_path: Path) -> None:
    case = as_case(NO_STATEMENT)
    irrelevant = [p for p in model_for(program_for_case(case)).fields
                  if p.startswith("joint_statement.contains.")
                  or p == "joint_statement.single_document"]
    assert irrelevant
    # checked by deciding: no value of these fields changes an output of interest
    base = _interest_outcome(case)
    for path in irrelevant:
        for value in (True, False):
            data = json.loads(json.dumps(NO_STATEMENT))
            data["joint_statement"].setdefault("contains", {})
            section, *rest = path.removeprefix("joint_statement.").split(".")
            if rest:
                data["joint_statement"]["contains"][rest[0]] = value
            else:
                data["joint_statement"][section] = value
            assert _interest_outcome(as_case(data)) == base, path
    asked = [q.field for q in next_questions(case)]
    assert asked and not set(asked) & set(irrelevant)
    # over a pipe, answering every question "unknown": never asked either
    start, out = _write(tmp_path / "case.yaml", NO_STATEMENT), tmp_path / "out.yaml"
    code, stdout, stderr = run("interview", str(start), "-o", str(out), input="\n" * 80)
    assert code == 0, stderr
    prompts = _prompts(stdout)
    assert prompts[0] == asked[0]
    assert not set(prompts) & set(irrelevant)
    assert len(prompts) == len(set(prompts))  # a fact answered unknown is not asked again
    assert "No question left can change what is still open" in stdout
    assert yaml.safe_load(out.read_text())["joint_statement"] == {"filed": False}


def test_a_determined_case_asks_nothing(tmp_path: Path) -> None:
    # not a discovery motion, and the scheduling order sets no discovery cutoff (whose
    # deadline would apply even so)
    case = _write(tmp_path / "case.yaml", {**NO_STATEMENT, "motion": {"kind": "not_discovery"},
                                           "schedule": {"discovery_cutoff": None}})
    assert next_questions(case) == [] and open_outputs(case) == []
    code, stdout, _ = run("interview", str(case), "-o", str(tmp_path / "out.yaml"), input="")
    assert code == 0 and "> " not in stdout
    assert "Every output of interest is determined after 0 questions" in stdout


def test_the_interest_outcome_is_the_full_solve_on_the_outputs_of_interest() -> None:
    for source in (EXAMPLE, NO_STATEMENT, ONE_FACT, {"format": "rulepath/case-1"}):
        case = as_case(source)
        solver = Solver(program_for_case(case), True)
        outcome = solver.outcome(solver.key(case))
        assert outcome is not None
        assert (outcome.certain, outcome.possible) == _interest_outcome(case)


def test_questions_come_most_decisive_first_and_each_changes_something() -> None:
    questions = next_questions({"format": "rulepath/case-1", "as_of": "2015-06-01"})
    assert questions[0].field == "motion.kind"
    scores = [q.score for q in questions]
    assert scores == sorted(scores, reverse=True)
    assert all(q.changes for q in questions)
    # a date measured against one not given yet changes nothing alone: asked before it
    assert all(any(a.changes for a in q.answers) or q.needs for q in questions)


# --- ? and back ---------------------------------------------------------------------------------


def test_question_mark_says_what_hangs_on_the_answer(tmp_path: Path) -> None:
    start = _write(tmp_path / "case.yaml", NO_STATEMENT)
    first = next_questions(start)[0]
    code, stdout, _ = run("interview", str(start), "-o", str(tmp_path / "out.yaml"),
                          input="?\n")
    assert code == 0
    assert f"What hangs on {first.field}:" in stdout
    assert "    1. " in stdout and "decides 1" in stdout
    # the same question is asked again after the explanation
    assert _prompts(stdout)[:2] == [first.field, first.field]


def test_back_asks_the_previous_question_again(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    code, stdout, stderr = run("interview", "--as-of", "2015-06-01", "-o", str(out),
                               input="compel\nback\nnot_discovery\n")
    assert code == 0, stderr
    prompts = _prompts(stdout)
    assert prompts[0] == "motion.kind" and prompts[2] == "motion.kind"
    assert yaml.safe_load(out.read_text())["motion"] == {"kind": "not_discovery"}
    # back at the first question says so and asks it again
    code, stdout, _ = run("interview", "--as-of", "2015-06-01", "-o", str(out),
                          input="back\nnot_discovery\n")
    assert code == 0 and "Nothing to go back to" in stdout
    assert _prompts(stdout)[:2] == ["motion.kind", "motion.kind"]


def test_invalid_answers_are_asked_again_with_the_reason(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    code, stdout, _ = run("interview", "--as-of", "2015-06-01", "-o", str(out),
                          input="motion_to_compel\n6\n")
    assert code == 0
    assert "'motion_to_compel' is not one of: compel" in stdout
    assert yaml.safe_load(out.read_text())["motion"] == {"kind": "not_discovery"}


def test_the_engine_interview_goes_back_and_skips() -> None:
    session = Interview.start({"format": "rulepath/case-1", "as_of": "2015-06-01"})
    assert session.back() is None
    first = session.questions()[0].field
    session.answer(first, "compel")
    session.skip(session.questions()[0].field)
    assert session.asked == 2
    skipped = session.back()
    assert skipped is not None and session.asked == 1 and session.skipped == []
    assert session.back() == first and session.data.get("motion") is None


# --- decide --ask ---------------------------------------------------------------------------


def test_decide_ask_lists_the_single_fact_that_decides_readiness(tmp_path: Path) -> None:
    case = _write(tmp_path / "case.yaml", ONE_FACT)
    assert smallest_determining_sets(case, "ready_for_hearing") == [{"joint_statement.filed"}]
    code, text, _ = run("decide", str(case), "--ask", "--no-color")
    assert code == 0
    section = text.split("WHAT WOULD DECIDE IT", 1)[1]
    line = next(x for x in section.splitlines() if "Whether the motion may be heard" in x)
    assert "decided by joint_statement.filed alone, whatever the answer" in line
    code, plain, _ = run("decide", str(case), "--format", "json")
    code, asked, _ = run("decide", str(case), "--format", "json", "--ask")
    plain_keys, data = json.loads(plain), json.loads(asked)
    assert "determining_sets" not in plain_keys
    assert set(data) - set(plain_keys) == {"determining_sets"}  # the spec's keys unchanged
    ready = next(x for x in data["determining_sets"] if x["conclusion"] == "ready_for_hearing")
    assert ready["sets"] == [["joint_statement.filed"]] and ready["size"] == 1
    assert ready["complete"] is True
    assert rulepath.Decision.from_dict(data).determining_sets is not None


def test_determining_sets_of_a_pair() -> None:
    found = determining_sets(EXAMPLE)
    assert [(d.conclusion, d.sets) for d in found] == [(
        "sanction(opposing_counsel,refused_to_sign_joint_statement)",
        [["joint_statement.opponent_refused_to_sign", "joint_statement.refusal_good_cause"]],
    )]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["missing", "invalid", "stdin", "pack"])
def test_bad_case_is_one_line_and_exit_2(tmp_path: Path, problem: str) -> None:
    args = {
        "missing": [str(tmp_path / "no-such.yaml")],
        "invalid": [str(_write(tmp_path / "bad.yaml",
                               {"format": "rulepath/case-1", "motion": {"kind": "x"}}))],
        "stdin": ["-"],
        "pack": ["--pack", "no-such-pack"],
    }[problem]
    out = tmp_path / "out.yaml"
    code, stdout, stderr = run("interview", *args, "-o", str(out), input="compel\n")
    assert code == 2 and stdout == "" and not out.exists()
    assert stderr.count("\n") == 1 and stderr.startswith("rulepath: ")
    assert "Traceback" not in stderr
    if problem == "invalid":
        assert "motion.kind: 'x' is not one of" in stderr
    if problem == "missing":
        assert stderr.startswith("rulepath: CASE: no such file")
