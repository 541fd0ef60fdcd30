"""The case file format `rulepath/case-1`: loading, strictness and error messages."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from rulepath.engine.casefile import (
    case_from_mapping,
    case_json_schema,
    load_case,
    parse_case,
)
from rulepath.engine.errors import CaseError, RulepathError

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
BAD = Path(__file__).parent / "data" / "bad_cases"
MARTINEZ = CORPUS / "dev" / "2010-02-25-martinez-v-smith.yaml"


def corpus_files(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).glob("*.yaml"))


def need_shared() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")


# --- the corpus loads ------------------------------------------------------------------


def test_dev_corpus_has_65_files() -> None:
    need_shared()
    assert len(corpus_files("dev")) == 65


@pytest.mark.parametrize("folder", ["dev", "wild"])
def test_every_corpus_file_loads(folder: str) -> None:
    need_shared()
    files = corpus_files(folder)
    if not files:
        pytest.skip(f"no case files in {CORPUS / folder}")
    for path in files:
        case = load_case(path)
        assert case.format == "rulepath/case-1", path
        assert case.expected is not None, path


def test_founding_case_fields() -> None:
    need_shared()
    case = load_case(MARTINEZ)
    assert case.as_of == date(2010, 2, 25)
    assert case.rule_version == "37-251"
    assert case.motion.rules == ("frcp-37",)
    assert case.conference.modes == ("written",)
    assert case.conference.held is False
    assert case.conference.adequate is None  # absent is unknown, not false
    assert case.joint_statement.filed is False
    assert case.response_to_exception_motion.filed is None
    assert case.expected is not None
    assert case.expected.disposition == "denied_without_prejudice"


# --- bad input: one line naming the field ----------------------------------------------

BAD_CASES = [
    ("unknown_field.yaml", "motion.urgent", "unknown field (allowed: kind, rules,"),
    ("unknown_nested_field.json", "joint_statement.contains.exhibits", "unknown field"),
    ("bad_enum.yaml", "motion.kind", "'compell' is not one of: compel, protective_order,"),
    ("bad_list_item.yaml", "conference.modes[1]", "'email' is not one of: in_person,"),
    ("bad_rule_id.yaml", "motion.rules[1]", "'FRCP 26' is not a federal rule id; write it as"),
    ("wrong_type_bool.yaml", "conference.held", "expected a boolean, got 'yes'"),
    ("wrong_type_bool.json", "opponent.pro_se", "expected a boolean, got 1"),
    ("wrong_type_int.yaml", "motion.notice_days", "expected an integer, got '28'"),
    ("negative_pages.yaml", "joint_statement.pages", "must be at least 0, got -3"),
    ("wrong_type_list.yaml", "overlays", "expected a list, got 'no-written-conferral'"),
    ("impossible_date.yaml", "motion.filed_on", "not a valid date: '2010-02-30'"),
    ("impossible_date.json", "schedule.discovery_cutoff", "not a valid date: '2011-13-01'"),
    ("date_not_iso.yaml", "as_of", "not a valid date: '02/25/2010' (expected YYYY-MM-DD)"),
    ("malformed.yaml", "<document>", "malformed YAML at line 4 column "),
    ("malformed.json", "<document>", "malformed JSON at line 1 column "),
    ("duplicate_key.yaml", "<document>", "malformed YAML at line 4 column 3: duplicate key"),
    ("not_a_mapping.yaml", "<document>", "expected a mapping at the top level, got a list"),
    ("missing_format.yaml", "format", "required field is missing"),
    ("wrong_format.yaml", "format", "'rulepath/case-2' is not one of: rulepath/case-1"),
    ("filed_false_with_date.yaml", "affidavit.filed", "is false but filed_on gives a date"),
    ("hearing_before_filing.yaml", "motion.hearing_on", "2012-06-13 is before filed_on"),
    ("notice_days_mismatch.yaml", "motion.notice_days", "is 21 but"),
    (
        "days_before_hearing_mismatch.yaml",
        "joint_statement.days_before_hearing",
        "is 14 but joint_statement.filed_on 2012-07-27 to motion.hearing_on 2012-08-03 is 7",
    ),
]


def test_every_bad_case_file_is_tested() -> None:
    assert {p.name for p in BAD.iterdir()} == {name for name, _, _ in BAD_CASES}


@pytest.mark.parametrize(("name", "field", "problem"), BAD_CASES)
def test_bad_case_names_the_field(name: str, field: str, problem: str) -> None:
    path = BAD / name
    with pytest.raises(CaseError) as caught:
        load_case(path)
    error = caught.value
    assert error.field == field
    assert error.problem.startswith(problem), error.problem
    assert str(error) == f"{path}: {field}: {error.problem}"
    assert "\n" not in str(error)
    assert isinstance(error, RulepathError)


def test_unreadable_file() -> None:
    with pytest.raises(CaseError) as caught:
        load_case(BAD / "no_such_file.yaml")
    assert caught.value.field == "<file>"


def test_empty_document() -> None:
    with pytest.raises(CaseError, match=r"^<document>: expected a mapping .* empty document$"):
        parse_case("# nothing here\n")


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
def test_strict_booleans_from_a_mapping(value: object) -> None:
    data = {"format": "rulepath/case-1", "motion": {"ex_parte": value}}
    if value is None:
        assert case_from_mapping(data).motion.ex_parte is None
        return
    with pytest.raises(CaseError) as caught:
        case_from_mapping(data, source="m")
    assert caught.value.field == "motion.ex_parte"


@pytest.mark.parametrize("value", [20100225, "2010-02-25T00:00:00", "20100225", 1.5])
def test_only_iso_dates(value: object) -> None:
    with pytest.raises(CaseError, match=r"^as_of: not a valid date"):
        case_from_mapping({"format": "rulepath/case-1", "as_of": value})


def test_date_object_accepted_from_a_mapping() -> None:
    case = case_from_mapping({"format": "rulepath/case-1", "as_of": date(2010, 2, 25)})
    assert case.as_of == date(2010, 2, 25)


def test_error_without_source() -> None:
    assert str(CaseError("motion.kind", "bad")) == "motion.kind: bad"
    assert str(CaseError("motion.kind", "bad", "x.yaml")) == "x.yaml: motion.kind: bad"


# --- good input --------------------------------------------------------------------------


def test_minimal_case_is_all_unknown() -> None:
    case = parse_case("format: rulepath/case-1\n")
    assert case.as_of is None
    assert case.overlays == ()
    assert case.motion.kind is None
    assert case.motion.rules is None  # unknown, unlike []
    assert case.joint_statement.contains.items_in_full is None
    assert case.affidavit.filed is None
    assert case.expected is None


def test_null_section_is_unknown() -> None:
    case = parse_case("format: rulepath/case-1\nmotion:\naffidavit:\n  contains:\n")
    assert case.motion == parse_case("format: rulepath/case-1\n").motion
    assert case.affidavit.contains.efforts is None


def test_known_empty_list() -> None:
    case = parse_case("format: rulepath/case-1\nconference: {modes: []}\n")
    assert case.conference.modes == ()


def test_caption_is_just_text() -> None:
    case = parse_case('format: rulepath/case-1\ncaption: "x. :- a."\n')
    assert case.caption == "x. :- a."


def test_extensions_and_consistent_dates() -> None:
    case = parse_case(
        """
        format: rulepath/case-1
        motion: {filed_on: 2017-11-03, hearing_on: 2017-12-01, notice_days: 28}
        conference: {informal_with_court: true}
        joint_statement: {filed_on: 2017-11-24, days_before_hearing: 7, pages: 12}
        affidavit: {filed: true, contains: {efforts: true}}
        expected: {court_treated_ready: true, route: null, sanctions: null}
        """
    )
    assert case.motion.notice_days == 28
    assert case.conference.informal_with_court is True
    assert case.joint_statement.filed is True  # a date implies it was filed
    assert case.joint_statement.pages == 12
    assert case.affidavit.filed is True
    assert case.affidavit.contains.efforts is True
    assert case.expected is not None
    assert case.expected.court_treated_ready is True


def test_models_are_frozen() -> None:
    case = parse_case("format: rulepath/case-1\n")
    with pytest.raises(ValueError):
        case.motion.kind = "compel"  # type: ignore[misc]


def test_json_and_yaml_give_equal_models(tmp_path: Path) -> None:
    need_shared()
    from_yaml = load_case(MARTINEZ)
    data = yaml.safe_load(MARTINEZ.read_text(encoding="utf-8"))
    json_path = tmp_path / "martinez.json"
    json_path.write_text(json.dumps(data, default=str), encoding="utf-8")
    assert load_case(json_path) == from_yaml
    no_suffix = tmp_path / "martinez"
    no_suffix.write_text(json_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_case(no_suffix) == from_yaml  # sniffed as JSON
    dumped = json.dumps(from_yaml.model_dump(mode="json"))
    assert parse_case(dumped, fmt="json") == from_yaml


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"format": "rulepath/case-1"}'))
    assert load_case("-") == case_from_mapping({"format": "rulepath/case-1"})


# --- the schema ----------------------------------------------------------------------------


def test_schema_is_json_and_closed() -> None:
    schema = json.loads(json.dumps(case_json_schema()))
    assert schema["$id"] == schema["title"] == "rulepath/case-1"
    assert schema["required"] == ["format"]
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        assert definition["additionalProperties"] is False, name
    motion = schema["$defs"]["Motion"]["properties"]
    assert "notice_days" in motion
    assert "informal_with_court" in schema["$defs"]["Conference"]["properties"]
