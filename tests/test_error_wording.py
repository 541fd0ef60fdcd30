"""Errors in words: a missing file, a pattern with the way to write it, the line of a YAML
mistake as the author would look for it, and did-you-mean for an unknown field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine.casefile import load_case, parse_case
from rulepath.engine.errors import CaseError, PackError
from rulepath.engine.schema import load_schema
from tests.conftest import EXAMPLE, ROOT


@pytest.fixture(autouse=True)
def at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths such as examples/x.yaml are the project's."""
    monkeypatch.chdir(ROOT)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def error_of(text: str) -> CaseError:
    with pytest.raises(CaseError) as caught:
        parse_case(text)
    return caught.value


# --- files ------------------------------------------------------------------------------


def test_a_missing_file_is_named_as_the_argument() -> None:
    code, out, err = run("decide", "examples/x.yaml")
    assert (code, out) == (2, "")
    assert err == "rulepath: CASE: no such file: examples/x.yaml\n"


def test_a_folder_is_not_a_case_file() -> None:
    code, _, err = run("explain", "examples")
    assert code == 2 and err == "rulepath: CASE: a folder, not a case file: examples\n"


def test_the_engine_names_the_file_without_errno() -> None:
    with pytest.raises(CaseError) as caught:
        load_case("examples/x.yaml")
    assert str(caught.value) == "<file>: no such file: examples/x.yaml"
    assert "Errno" not in str(caught.value)


def test_an_undecodable_byte_in_a_file_is_placed(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"format: rulepath/case-1\ncaption: Pe\xf1a v. Smith\n")
    with pytest.raises(CaseError) as caught:
        load_case(path)
    assert caught.value.problem == "not valid UTF-8 at line 2 column 12 (the byte 0xF1)"


# --- patterns in words ------------------------------------------------------------------------


def rules_error(*rules: str, pack: str = "edcal-lr251") -> CaseError:
    listed = ", ".join(f'"{r}"' for r in rules)
    return error_of(f"format: rulepath/case-1\nrule: {pack}\nmotion:\n  rules: [{listed}]\n")


@pytest.mark.parametrize("pack", ["edcal-lr251", "cdcal-lr37"])
@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("rule 37", "'rule 37' is not a federal rule id; write it as frcp-37"),
        ("FRCP 26(b)(1)", "'FRCP 26(b)(1)' is not a federal rule id; write it as frcp-26"),
        ("Rule", "'Rule' is not a federal rule id; write it as frcp-N, e.g. frcp-37"),
    ],
)
def test_a_rule_id_is_worded_with_how_to_write_it(pack: str, given: str, problem: str) -> None:
    error = rules_error("frcp-34", given, pack=pack)
    assert error.field == "motion.rules[1]" and error.problem == problem


def test_the_cli_prints_the_pattern_in_words(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["motion"]["rules"] = ["rule 37"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data))
    code, _, err = run("decide", str(path))
    assert code == 2
    assert err == (f"rulepath: {path}: motion.rules[0]: 'rule 37' is not a federal rule id; "
                   "write it as frcp-37\n")


def schema_with(tmp_path: Path, hint: str, pattern: str = "'^frcp-[0-9]+$'") -> Path:
    path = tmp_path / "case.toml"
    path.write_text(
        '[fields."motion.rules"]\ntype = "set"\n'
        + (f"pattern = {pattern}\n" if pattern else 'values = ["a"]\n')
        + f'description = "Rules."\npattern_hint = {hint}\n'
    )
    return path


def test_a_pattern_hint_is_read_and_checked(tmp_path: Path) -> None:
    path = schema_with(tmp_path, '{ words = "a rule", form = "frcp-{number}", example = "frcp-1" }')
    spec = load_schema(path, "demo").fields[0]
    assert spec.pattern_hint is not None and spec.pattern_hint.words == "a rule"
    for hint, pattern, fault in [
        ('{ words = "a rule", form = "frcp-N" }', "'^frcp-[0-9]+$'", "must hold {number}"),
        ('{ words = "a rule", example = "rule 1" }', "'^frcp-[0-9]+$'", "must match the pattern"),
        ('{ form = "frcp-{number}" }', "'^frcp-[0-9]+$'", "a table with words"),
        ('{ words = "a rule", shape = "x" }', "'^frcp-[0-9]+$'", "unknown key(s) shape"),
        ('"a rule"', "", "pattern_hint needs a pattern"),
    ]:
        with pytest.raises(PackError, match=fault.replace("(", r"\(").replace(")", r"\)")
                           .replace("{", r"\{").replace("}", r"\}")):
            load_schema(schema_with(tmp_path, hint, pattern), "demo")


# --- the line of a YAML mistake -----------------------------------------------------------------


def example_with(line: int, old: str, new: str) -> str:
    lines = EXAMPLE.read_text().splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "".join(lines)


def test_a_missing_colon_is_reported_on_its_own_line() -> None:
    # line 15 is "motion:"; without its colon the parser notices only on line 16
    error = error_of(example_with(15, "motion:", "motion"))
    assert error.problem == (
        "malformed YAML at line 15 column 1: 'motion' has no ':' after the field name "
        "(write name: value)")


def test_a_missing_colon_before_another_field_is_reported_on_its_own_line() -> None:
    # "  kind compel" runs on into line 17's "rules:", where the parser stops
    error = error_of(example_with(16, "kind:", "kind"))
    assert error.problem.startswith("malformed YAML at line 16 column 3: 'kind compel' has no ':'")


def test_a_value_running_on_into_an_overindented_line_is_placed_there() -> None:
    error = error_of("format: rulepath/case-1\nmotion:\n  kind: compel\n   rules: [frcp-37]\n")
    assert error.problem.startswith("malformed YAML at line 4 column 9: the value 'compel' on "
                                    "line 3 runs on into line 4")


def test_an_unclosed_list_names_where_it_opened() -> None:
    error = error_of("format: rulepath/case-1\nmotion:\n  rules: [frcp-37\n")
    assert error.problem.startswith("malformed YAML at line 4 column 1: did not find expected")
    assert "from line 3 column 10" in error.problem


# --- did you mean -----------------------------------------------------------------------------


def test_an_unknown_field_suggests_the_close_one() -> None:
    error = error_of("format: rulepath/case-1\nmotion:\n  heairng_on: 2010-03-01\n")
    assert error.field == "motion.heairng_on"
    assert error.problem == "unknown field (did you mean motion.hearing_on?)"


def test_an_unknown_section_suggests_the_close_one() -> None:
    error = error_of("format: rulepath/case-1\nmotoin:\n  kind: compel\n")
    assert (error.field, error.problem) == ("motoin", "unknown field (did you mean motion?)")


def test_nothing_close_lists_the_fields() -> None:
    error = error_of("format: rulepath/case-1\nmotion:\n  zzz: 1\n")
    assert error.problem.startswith("unknown field (allowed: kind, rules, relief,")


def test_the_cli_line_for_an_unknown_field(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("format: rulepath/case-1\nmotion:\n  heairng_on: 2010-03-01\n")
    code, _, err = run("decide", str(path))
    assert code == 2
    assert err == (f"rulepath: {path}: motion.heairng_on: unknown field (did you mean "
                   "motion.hearing_on?)\n")
