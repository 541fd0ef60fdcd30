"""The command line: formats, stdin, exit statuses, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rulepath.cli.main import main
from tests.conftest import EXAMPLE, ROOT

BAD = ROOT / "tests" / "data" / "bad_cases"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_decide_json_is_the_contract() -> None:
    code, out, _ = run("decide", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "rulepath/decision-1"
    for key in (
        "case",
        "rule",
        "governs",
        "route",
        "ready_for_hearing",
        "defects",
        "requirements",
        "exceptions",
        "sanctions",
        "assumed",
        "deadlines",
        "disposition",
        "next_steps",
        "undetermined",
        "explanation",
    ):
        assert key in data, key
    assert data["rule"] == {"pack": "edcal-lr251", "version": "37-251", "overlays": []}


def test_decide_text_and_markdown() -> None:
    code, out, _ = run("decide", str(EXAMPLE), "--no-color")
    assert code == 0 and "Route:" in out and "Joint statement: the parties meet" in out
    assert "Parties met and conferred" in out and "37-251(b)" in out
    code, out, _ = run("decide", str(EXAMPLE), "--format", "markdown")
    assert code == 0 and out.startswith("# Martinez v. Smith")
    assert "| Parties met and conferred | not met | 37-251(b) |" in out


def test_decide_reads_stdin() -> None:
    code, out, _ = run("decide", "-", "--format", "json", input=EXAMPLE.read_text())
    assert code == 0 and json.loads(out)["route"] == "joint_statement"


def test_no_defaults_leaves_presumptions_out() -> None:
    code, out, _ = run("decide", str(EXAMPLE), "--format", "json", "--no-defaults")
    assert code == 0 and json.loads(out)["assumed"] == []


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("unknown_field.yaml", "motion"),
        ("bad_enum.yaml", "motion.kind"),
        ("impossible_date.yaml", ""),
        ("malformed.yaml", "<document>"),
    ],
)
def test_bad_input_is_one_line_exit_2(name: str, field: str) -> None:
    code, out, err = run("decide", str(BAD / name))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("rulepath: ") and field in err
    assert "Traceback" not in err


def test_unknown_rule_pack_and_overlay(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    bad_pack = tmp_path / "pack.yaml"
    bad_pack.write_text(text.replace("rule: edcal-lr251", "rule: sdcal-26-1"))
    code, _, err = run("decide", str(bad_pack))
    assert code == 2 and "rule: unknown rule pack 'sdcal-26-1'" in err
    bad_overlay = tmp_path / "overlay.yaml"
    bad_overlay.write_text(text + "overlays: [no-such-overlay]\n")
    code, _, err = run("decide", str(bad_overlay))
    assert code == 2 and "overlays[0]" in err and "no-such-overlay" in err
    bad_version = tmp_path / "version.yaml"
    bad_version.write_text(text.replace('rule_version: "37-251"', 'rule_version: "99"'))
    code, _, err = run("decide", str(bad_version))
    assert code == 2 and "rule_version" in err


def test_explain_why_and_why_not() -> None:
    code, out, _ = run("explain", str(EXAMPLE))
    assert code == 0 and out.startswith("- ready_for_hearing(false)")
    code, out, _ = run("explain", str(EXAMPLE), "--why", "route(joint_statement)")
    assert code == 0 and "[37-251(b)]" in out and "fact:motion.kind" in out
    code, out, _ = run("explain", str(EXAMPLE), "--why-not", "met(conference)", "--format", "json")
    assert code == 0
    tree = json.loads(out)
    assert tree["conclusion"] == "not met(conference)"
    leaves = json.dumps(tree)
    assert "fact:conference.held" in leaves
    code, _, err = run("explain", str(EXAMPLE), "--why", "no_such_atom")
    assert code == 2 and "no rule concludes" in err


def test_schema_prints_json_schema() -> None:
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0 and schema["additionalProperties"] is False


def test_eval_on_a_folder(tmp_path: Path) -> None:
    case = tmp_path / "one.yaml"
    case.write_text(
        EXAMPLE.read_text()
        + "expected:\n  merits_reached: false\n  disposition: denied_without_prejudice\n"
        "  route: joint_statement\n"
    )
    code, out, _ = run("eval", str(tmp_path), "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["merits_not_reached"] == {"n": 1, "agree": 1, "undetermined": 0, "rate": 1.0}
