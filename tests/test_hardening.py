"""Hostile input: every bad case document (or command-line atom) gets one line naming the
field or the place, and exit status 2 — never a traceback, a hang or a wrong answer.

One section per hole the fuzzer found: huge integers, deep nesting, lone surrogates,
explicit YAML tags, size, control characters in names, odd --why atoms, dates outside the
calendar.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rulepath.cli.main import main
from rulepath.engine import calendar, documents
from rulepath.engine.casefile import Case, parse_case
from rulepath.engine.errors import CaseError, RulepathError, printable
from tests.conftest import EXAMPLE

HEAD = "format: rulepath/case-1\n"
JSON_HEAD = '{"format": "rulepath/case-1", '


def one_line_error(text: str, fmt: str) -> CaseError:
    """The CaseError that parsing ``text`` raises, checked to be one printable line."""
    with pytest.raises(CaseError) as caught:
        parse_case(text, fmt=fmt)  # type: ignore[arg-type]
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and message.isprintable(), message
    return caught.value


def cli_error(tmp_path: Path, text: str, suffix: str) -> str:
    """Run `rulepath decide` on a file holding ``text``: exit 2, one line on stderr."""
    path = tmp_path / f"case{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return cli_args_error("decide", str(path))


def cli_args_error(*args: str) -> str:
    """Run `rulepath ARGS...`: exit 2, nothing on stdout, one line on stderr."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    err = result.stderr
    assert result.stdout == ""
    assert len(err.splitlines()) == 1 and err.startswith("rulepath: "), err
    assert "Traceback" not in err
    return err


@pytest.fixture(params=["C", "pure-Python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with libyaml's loader (the default) and with the pure-Python fallback."""
    if request.param == "pure-Python":
        monkeypatch.setattr(documents, "_LOADER", documents._PyCaseLoader)
    yield request.param


# --- 1. integers too long to convert ---------------------------------------------------

BIG = "9" * 5000
JUST_OVER = "9" * (documents.MAX_INT_DIGITS + 1)  # the fuzzer's find: 4,301 digits, no sign


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (HEAD + f"joint_statement:\n  pages: {BIG}\n", "yaml"),
        (HEAD + f"joint_statement:\n  pages: -{BIG}\n", "yaml"),
        (HEAD + "joint_statement:\n  pages: 0x" + "f" * 4000 + "\n", "yaml"),  # hex: no limit
        (HEAD + "joint_statement:\n  pages: 1" + ":59" * 3000 + "\n", "yaml"),  # base 60
        (JSON_HEAD + f'"joint_statement": {{"pages": {BIG}}}}}', "json"),
        (JSON_HEAD + f'"joint_statement": {{"pages": -{BIG}}}}}', "json"),
        (JSON_HEAD + f'"joint_statement": {{"pages": {JUST_OVER}}}}}', "json"),
        (JSON_HEAD + f'"joint_statement": {{"pages": -{JUST_OVER}}}}}', "json"),
        (HEAD + f"joint_statement:\n  pages: {JUST_OVER}\n", "yaml"),
    ],
)
def test_huge_integer_names_the_field(text: str, fmt: str, loader: str) -> None:
    error = one_line_error(text, fmt)
    assert error.field == "joint_statement.pages"
    assert f"more than {documents.MAX_INT_DIGITS} digits" in error.problem


def test_huge_integer_key_is_refused(loader: str) -> None:
    # An explicit key ("? "): YAML keeps implicit keys under 1,024 characters.
    error = one_line_error(HEAD + f"motion:\n  ? {BIG}\n  : 1\n", "yaml")
    assert error.field == "motion" and "a field name is an integer" in error.problem


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_integer_at_the_limit_still_parses(fmt: str) -> None:
    at_limit = "9" * documents.MAX_INT_DIGITS
    for sign in ("", "-"):
        data = documents.parse_document(f'{{"n": {sign}{at_limit}}}', fmt)  # type: ignore[arg-type]
        assert isinstance(data, dict) and str(data["n"]) == sign + at_limit


def test_huge_integer_cli(tmp_path: Path) -> None:
    err = cli_error(tmp_path, HEAD + f"joint_statement:\n  pages: {BIG}\n", ".yaml")
    assert "joint_statement.pages" in err and "4300 digits" in err


# --- 2. nesting -----------------------------------------------------------------------


def _flow(depth: int) -> str:
    return "[" * depth + "]" * depth


def _block(depth: int) -> str:
    return "x:\n" + "".join(" " * (level + 1) + "a:\n" for level in range(depth))


@pytest.mark.parametrize("depth", [65, 500, 5000, 100_000])
def test_deep_json_is_refused_naming_the_limit(depth: int) -> None:
    error = one_line_error(JSON_HEAD + f'"x": {_flow(depth)}}}', "json")
    assert error.field == "<document>" and "deeper than 64 levels" in error.problem


@pytest.mark.parametrize("depth", [65, 500, 5000])
def test_deep_yaml_is_refused_naming_the_limit(depth: int, loader: str) -> None:
    # Block nesting costs indentation: 5,000 levels would be over the size limit.
    texts = [HEAD + f"x: {_flow(depth)}\n"] + ([HEAD + _block(depth)] if depth <= 500 else [])
    for text in texts:
        error = one_line_error(text, "yaml")
        assert "deeper than 64 levels" in error.problem


def test_nesting_at_the_limit_reaches_the_models(loader: str) -> None:
    # 64 levels, the top mapping included: the models then refuse the unknown field.
    texts = [(HEAD + f"x: {_flow(63)}\n", "yaml"), (JSON_HEAD + f'"x": {_flow(63)}}}', "json")]
    for text, fmt in texts:
        assert "unknown field" in one_line_error(text, fmt).problem


def test_recursive_alias_is_refused(loader: str) -> None:
    assert "deeper than 64" in one_line_error(HEAD + "x: &a [*a]\n", "yaml").problem


def test_alias_expansion_is_bounded(loader: str) -> None:
    # "billion laughs": 10**9 values from a few hundred bytes.
    text = HEAD + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 10):
        text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n"
    assert "values (through aliases)" in one_line_error(text, "yaml").problem


def test_deep_nesting_cli(tmp_path: Path) -> None:
    assert "64 levels" in cli_error(tmp_path, JSON_HEAD + f'"x": {_flow(500)}}}', ".json")
    assert "64 levels" in cli_error(tmp_path, HEAD + f"x: {_flow(500)}\n", ".yaml")


# --- 3. lone surrogates ---------------------------------------------------------------


def test_surrogate_escape_in_json_names_the_field() -> None:
    error = one_line_error(JSON_HEAD + '"caption": "a\\ud800b"}', "json")
    assert error.field == "caption" and "lone surrogate U+D800" in error.problem
    error = one_line_error(JSON_HEAD + '"motion": {"rules": ["frcp-37", "\\udfff"]}}', "json")
    assert error.field == "motion.rules[1]"


def test_surrogate_in_a_key_is_refused_and_printable() -> None:
    error = one_line_error(JSON_HEAD + '"motion": {"\\udc00x": 1}}', "json")
    assert error.field == "motion" and "a field name is not valid Unicode" in error.problem
    str(error).encode("utf-8")  # the message itself is valid Unicode


def test_surrogate_escape_in_yaml(loader: str) -> None:
    # libyaml refuses the escape itself; the pure-Python loader makes a surrogate of it.
    error = one_line_error(HEAD + 'caption: "\\ud800"\n', "yaml")
    assert error.field in ("caption", "<document>")


def test_surrogate_in_the_text(loader: str) -> None:
    # What stdin holds for an undecodable byte (errors="surrogateescape"), and a lone one.
    error = one_line_error(HEAD + "caption: a\udcffb\n", "yaml")
    assert "not valid UTF-8 at line 2 column 11 (the byte 0xFF)" in error.problem
    error = one_line_error(JSON_HEAD + '"caption": "\ud800"}', "json")
    assert "lone surrogate U+D800" in error.problem


def test_surrogate_cli(tmp_path: Path) -> None:
    err = cli_error(tmp_path, JSON_HEAD + '"caption": "\\ud800"}', ".json")
    assert "caption" in err and "surrogate" in err


# --- 4. explicit YAML tags ------------------------------------------------------------

TAGGED = [
    ("conference:\n  held: !!bool yes\n", "!!bool", 3),
    ("conference:\n  held: !!bool 'true'\n", "!!bool", 3),
    ("joint_statement:\n  pages: !!int '12'\n", "!!int", 3),
    ("joint_statement:\n  pages: !!float 12\n", "!!float", 3),
    ("as_of: !!timestamp 2010-02-25\n", "!!timestamp", 2),
    ("caption: !!null x\n", "!!null", 2),
    ("caption: !!binary aGVsbG8=\n", "!!binary", 2),
    ("overlays: !!set {a: null}\n", "!!set", 2),
    ("motion: !!omap [kind: compel]\n", "!!omap", 2),
    ("motion: !!pairs [kind: compel]\n", "!!pairs", 2),
    ("caption: !!python/object/apply:os.system [echo hi]\n", "!!python/object/apply", 2),
    ("caption: !!python/name:os.system ''\n", "!!python/name", 2),
    ("caption: !local x\n", "!local", 2),
]


@pytest.mark.parametrize(("body", "tag", "line"), TAGGED)
def test_explicit_tags_are_refused_with_line(body: str, tag: str, line: int, loader: str) -> None:
    error = one_line_error(HEAD + body, "yaml")
    assert error.field == "<document>"
    assert f"at line {line} column" in error.problem and f"the tag {tag}" in error.problem


def test_only_plain_true_false_are_booleans(loader: str) -> None:
    for word in ("yes", "no", "on", "off", "y", "n"):
        error = one_line_error(HEAD + f"conference:\n  held: {word}\n", "yaml")
        assert error.field == "conference.held" and "expected a boolean" in error.problem
    for word, value in (("true", True), ("False", False), ("TRUE", True)):
        assert parse_case(HEAD + f"conference:\n  held: {word}\n").conference.held is value


def test_harmless_tags_keep_their_meaning(loader: str) -> None:
    # !!str only keeps a value a string (as quotes do); an implicit tag spelled out is a no-op.
    case = parse_case(HEAD + "docket: !!str 123\nconference:\n  held: !!bool true\n")
    assert case.docket == "123" and case.conference.held is True


def test_tag_cli(tmp_path: Path) -> None:
    err = cli_error(tmp_path, HEAD + "conference:\n  held: !!bool yes\n", ".yaml")
    assert "line 3 column 9" in err and "!!bool" in err


# --- 5. size, the one entry point, the C loader -----------------------------------------


def test_size_limit_names_the_limit_and_the_size() -> None:
    assert documents.MAX_DOCUMENT_BYTES == 1 << 20
    text = HEAD + "caption: " + "x" * documents.MAX_DOCUMENT_BYTES + "\n"
    size = len(text.encode("utf-8"))
    for fmt in ("yaml", "json"):
        error = one_line_error(text, fmt)
        assert error.field == "<document>"
        assert f"{size:,} bytes" in error.problem and "1,048,576 bytes (1 MiB)" in error.problem


def test_size_counts_utf8_bytes() -> None:
    # 400,000 characters of three bytes each: under the limit in characters, over in bytes.
    error = one_line_error(HEAD + "caption: " + "€" * 400_000 + "\n", "yaml")
    assert "1,200,034 bytes, over the limit" in error.problem
    assert documents.parse_document("caption: " + "€" * 300_000, "yaml")  # 900,009 bytes


def test_size_cli(tmp_path: Path) -> None:
    text = HEAD + "caption: " + "x" * documents.MAX_DOCUMENT_BYTES + "\n"
    assert "1 MiB" in cli_error(tmp_path, text, ".yaml")


def test_parse_document_is_the_one_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str | None]] = []
    real = documents.parse_document

    def spy(text: str, fmt: documents.Format, source: str | None = None) -> object:
        calls.append((fmt, source))
        return real(text, fmt, source)

    monkeypatch.setattr("rulepath.engine.casefile.parse_document", spy)
    parse_case(EXAMPLE.read_text(), source="x.yaml")
    parse_case('{"format": "rulepath/case-1"}')
    assert calls == [("yaml", "x.yaml"), ("json", None)]


def test_the_c_loader_is_used_where_available() -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    assert issubclass(documents._LOADER, yaml.CSafeLoader)


SEMANTICS = [
    # dates stay strings for the models; yes/no are strings; ints and nulls as usual
    ("as_of: 2010-02-25\nflag: yes\nn: 12\nz: ~\nq: '7'\n",
     {"as_of": "2010-02-25", "flag": "yes", "n": 12, "z": None, "q": "7"}),
    ("base: &b {kind: compel}\nmotion:\n  <<: *b\n  filed_on: 2010-01-25\n",
     {"base": {"kind": "compel"}, "motion": {"kind": "compel", "filed_on": "2010-01-25"}}),
    ("list: [1, 2.5, true, False, null, '', 2010-01-01 10:00:00]\n",
     {"list": [1, 2.5, True, False, None, "", "2010-01-01 10:00:00"]}),
]


@pytest.mark.parametrize(("text", "expected"), SEMANTICS)
def test_both_loaders_read_the_same_data(text: str, expected: object, loader: str) -> None:
    assert documents.parse_document(text, "yaml") == expected


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("format: rulepath/case-1\nformat: x\n", "at line 2 column 1: duplicate key 'format'"),
        ("a: [1, 2\n", "at line 2 column 1"),
        ("a: 1\n b: 2\n", "at line 2 column 3"),
    ],
)
def test_both_loaders_name_the_line(text: str, where: str, loader: str) -> None:
    error = one_line_error(text, "yaml")
    assert error.field == "<document>" and where in error.problem


# --- 6. control characters in names and values ------------------------------------------

CONTROL = ["\n", "\r", "\x1b[31m", "\x00", "\x85", "\u2028", "\u2029", "\x0b", "\u202e"]


@pytest.mark.parametrize("char", CONTROL)
def test_control_characters_in_a_field_name_stay_on_one_line(char: str) -> None:
    key = json.dumps(f"a{char}b")
    error = one_line_error(JSON_HEAD + f'"motion": {{{key}: 1}}}}', "json")
    assert error.field == f"motion.a{char}b"  # the attribute keeps the name as given
    assert "unknown field" in error.problem


def test_case_error_escapes_every_part() -> None:
    field, problem, source = "a\nb", "bad\r\nvalue\u2028here", "dir\x1b/file.yaml"
    error = CaseError(field, problem, source)
    assert str(error) == "dir\\x1b/file.yaml: a\\nb: bad\\r\\nvalue\\u2028here"
    assert (error.field, error.problem, error.source) == (field, problem, source)  # as given


def test_printable_leaves_readable_text_alone() -> None:
    for text in ("motion.kind", "Martínez v. Smith", "C:\\cases\\one.yaml", "日本"):
        assert printable(text) == text
    assert printable("\ud800") == "\\ud800" and printable("\U000e0001") == "\\U000e0001"
    assert printable(printable("a\nb")) == "a\\nb"


def test_every_rulepath_error_is_one_line() -> None:
    assert str(RulepathError("focus", "no node 'a\nb'")) == "focus: no node 'a\\nb'"


def test_control_characters_cli(tmp_path: Path) -> None:
    err = cli_error(tmp_path, JSON_HEAD + '"motion": {"a\\nb\\u2028c": 1}}', ".json")
    assert "motion.a\\nb\\u2028c: unknown field" in err


# --- 7. --why / --why-not atoms -------------------------------------------------------


@pytest.mark.parametrize(
    "atom", ["é", "7", '"x"', "#inf", "#sup", "(a,b)", "()", "f(", "X", "a.", "", "a\nb", "\udcff"]
)
@pytest.mark.parametrize("option", ["--why", "--why-not"])
def test_not_an_atom_is_one_line(option: str, atom: str) -> None:
    err = cli_args_error("explain", str(EXAMPLE), option, atom)
    assert f"rulepath: {option}: not an atom: " in err


def test_unknown_atom_keeps_the_hint() -> None:
    err = cli_args_error("explain", str(EXAMPLE), "--why", "route(nope)")
    assert "no rule concludes 'route(nope)' (did you mean one of: route(affidavit)" in err


def test_parse_atom() -> None:
    from rulepath.engine.explain import parse_atom

    assert str(parse_atom("route(joint_statement)")) == "route(joint_statement)"
    for text in ("7", "é", "(a,b)", '"x"'):
        with pytest.raises(ValueError, match="not an atom"):
            parse_atom(text)


# --- 8. dates the calendar cannot count -----------------------------------------------


def test_the_range_is_the_holiday_librarys_less_a_year() -> None:
    import holidays

    us = holidays.country_holidays("US")
    covered = (date(us.start_year, 1, 1), date(us.end_year, 12, 31))  # 1777..2100 in 0.109
    assert covered == (calendar._COVERED_FIRST, calendar._COVERED_LAST)
    counted = (date(us.start_year + 1, 1, 1), date(us.end_year - 1, 12, 31))
    assert counted == (calendar.FIRST_DAY, calendar.LAST_DAY)


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1777, 12, 31), date(2100, 1, 1), date(2101, 1, 5), date.max]
)
def test_check_in_range_names_the_range(day: date) -> None:
    with pytest.raises(ValueError, match=r"outside the calendar's range 1778-01-01\.\.2099-12-31"):
        calendar.check_in_range(day)
    with pytest.raises(ValueError, match="outside the calendar's range"):
        calendar.count(day, 7, "calendar_days", "after")


def test_check_in_range_accepts_the_ends() -> None:
    calendar.check_in_range(calendar.FIRST_DAY)
    calendar.check_in_range(calendar.LAST_DAY)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1776, 7, 4), date(2101, 1, 5), date.max])
def test_no_day_outside_the_library_is_judged(day: date) -> None:
    for judge in (calendar.is_court_day, calendar.is_legal_holiday):
        with pytest.raises(ValueError, match="outside the years the holiday calendar covers"):
            judge(day)
    with pytest.raises(ValueError, match="holiday calendar covers"):
        calendar.add_service_days(day, "mail")


def test_counting_from_the_ends_of_the_range_works() -> None:
    # The margin: the longest periods the packs count, from either end, both directions.
    for anchor in (calendar.FIRST_DAY, calendar.LAST_DAY):
        for unit in ("calendar_days", "court_days"):
            for direction in ("after", "before"):
                due = calendar.count(anchor, 28, unit, direction)  # type: ignore[arg-type]
                calendar.add_service_days(due, "mail")
    assert calendar.count(date(2099, 12, 31), 1, "court_days", "after") == date(2100, 1, 4)


def test_a_period_past_the_library_is_refused_not_overflowed() -> None:
    for days in (100_000, 10**30):
        for direction in ("after", "before"):
            with pytest.raises(ValueError, match="runs outside the years"):
                calendar.count(date(2000, 1, 1), days, "court_days", direction)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", ["0001-01-01", "1700-01-01", "2101-01-05", "9999-12-31"])
def test_dates_outside_the_range_cli(tmp_path: Path, day: str) -> None:
    text = HEAD + f"as_of: 2010-02-25\nmotion:\n  kind: compel\n  filed_on: {day}\n"
    err = cli_error(tmp_path, text, ".yaml")
    assert "motion.filed_on" in err and "1778-01-01..2099-12-31" in err


def test_case_model_still_loads_in_range_dates() -> None:
    case = parse_case(HEAD + "as_of: 2010-02-25\nmotion:\n  filed_on: 2099-12-31\n")
    assert isinstance(case, Case) and case.motion.filed_on == calendar.LAST_DAY
