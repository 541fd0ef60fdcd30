"""The JSON output contracts of `rulepath check` and `rulepath diff` (docs/schemas/): the schemas
are valid draft 2020-12 schemas, real outputs of both packs (and of the broken test overlay)
follow them, and they are strict enough that a drifted document fails."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import rulepath
from rulepath.engine.pack import logic_root

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
TEST_PACKS = ROOT / "tests" / "data" / "packs"
AMEND = str(logic_root() / "edcal_lr251" / "amendments" / "written_correspondence_suffices.lp")

Doc = dict[str, Any]


def _json(result: Any) -> Doc:
    """The document as the CLI writes it: to_dict() through a JSON round trip."""
    data: Doc = json.loads(json.dumps(result.to_dict(), default=str))
    return data


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, doc: Doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in validator.iter_errors(doc)]


# --- the documents, each computed once ------------------------------------------------------


@pytest.fixture(scope="module")
def check_schema() -> jsonschema.Draft202012Validator:
    return _validator("check")


@pytest.fixture(scope="module")
def diff_schema() -> jsonschema.Draft202012Validator:
    return _validator("diff")


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    props = tmp_path_factory.mktemp("props") / "props.lp"
    props.write_text('property(never_affidavit, "No motion goes on the affidavit route.", '
                     '"x").\nviolation(never_affidavit) :- holds(route(affidavit)).\n',
                     encoding="utf-8")
    docs = {
        "edcal": _json(rulepath.check()),
        "cdcal": _json(rulepath.check("cdcal-lr37")),
        "violation": _json(rulepath.check("edcal-lr251", version="251", properties=props)),
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RULEPATH_PACK_PATH", str(TEST_PACKS))
        docs["broken"] = _json(rulepath.check("broken-overlay", version="251",
                                              overlays=["broken"]))
    return docs


@pytest.fixture(scope="module")
def diffs() -> dict[str, Doc]:
    return {
        "counted": _json(rulepath.diff(from_version="251", to_version="251-amended-14",
                                       count_each=True)),
        "amendment": _json(rulepath.diff(as_of="2015-01-01", amend=AMEND)),
    }


# --- the schemas ------------------------------------------------------------------------------


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _subschemas(value)


@pytest.mark.parametrize("name", ["check", "diff"])
def test_each_schema_is_draft_2020_12_titled_and_describes_every_property(name: str) -> None:
    validator = _validator(name)  # check_schema passes
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema and schema["title"].startswith(f"rulepath/{name}-1")
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert schema["properties"]["format"] == {
        "description": f"The format's id, always rulepath/{name}-1.",
        "const": f"rulepath/{name}-1"}
    for sub in _subschemas(schema):
        if sub.get("type") == "object" and "properties" in sub:  # a declared object
            assert sub.get("additionalProperties") is False, f"{name}: an open object"
            for key, prop in sub["properties"].items():
                assert prop.get("description"), f"{name}: property {key!r} has no description"


# --- real outputs follow them -------------------------------------------------------------------


@pytest.mark.parametrize("which", ["edcal", "cdcal", "violation", "broken"])
def test_check_reports_follow_the_schema(which: str, checks: dict[str, Doc],
                                         check_schema: jsonschema.Draft202012Validator) -> None:
    doc = checks[which]
    assert _errors(check_schema, doc) == []
    # what a schema cannot say: a property fails exactly when it is listed as a violation
    violated = {v["id"] for v in doc["violations"]}
    assert {p["id"] for p in doc["properties"] if not p["holds"]} == violated


def test_the_check_reports_exercise_the_findings(checks: dict[str, Doc]) -> None:
    assert checks["edcal"]["ok"] and checks["cdcal"]["ok"]
    assert checks["edcal"]["pack"] == "edcal-lr251" and checks["cdcal"]["pack"] == "cdcal-lr37"
    broken = checks["broken"]
    assert not broken["ok"] and [g["id"] for g in broken["gaps"]] == ["no_route"]
    assert broken["properties_file"] is None and broken["overlays"] == ["broken"]
    assert isinstance(broken["gaps"][0]["witness"]["case"], dict)
    violation = checks["violation"]["violations"][0]
    assert violation["kind"] == "violation" and violation["cite"] == "x"


@pytest.mark.parametrize("which", ["counted", "amendment"])
def test_diff_reports_follow_the_schema(which: str, diffs: dict[str, Doc],
                                        diff_schema: jsonschema.Draft202012Validator) -> None:
    doc = diffs[which]
    assert _errors(diff_schema, doc) == []
    # what a schema cannot say
    assert doc["changed"] is any(doc["changes"].values())
    assert set(doc["change_counts"]) == set(doc["changes"])
    assert all(doc["change_counts"][n] == 0 for n, c in doc["changes"].items() if not c)
    keys = [(t["dimension"], t["before"], t["after"]) for t in doc["transitions"]]
    searched = [(p["dimension"], p["before"], p["after"]) for p in doc["patterns"]]
    skipped = [(s["dimension"], s["before"], s["after"]) for s in doc["patterns_skipped"]]
    assert sorted(searched + skipped) == sorted(keys)
    assert all(before != after for _, before, after in keys)


def test_a_counted_diff_has_exact_integers_beyond_64_bits(diffs: dict[str, Doc]) -> None:
    doc = diffs["counted"]
    assert doc["count_note"] == ""
    assert isinstance(doc["scenarios"], int) and doc["scenarios"] > 2**64
    assert all(isinstance(c, int) for c in doc["change_counts"].values())
    assert all(isinstance(t["scenarios"], int) and 0 < t["scenarios"] <= doc["scenarios"]
               for t in doc["transitions"])


def test_a_default_diff_counts_the_total_only_and_says_why(diffs: dict[str, Doc]) -> None:
    doc = diffs["amendment"]
    assert isinstance(doc["scenarios"], int) and doc["scenarios"] > 0
    assert "count_each=True" in doc["count_note"]
    assert all(t["scenarios"] is None for t in doc["transitions"])
    assert all(doc["change_counts"][n] is None for n, c in doc["changes"].items() if c)


# --- and drift fails ---------------------------------------------------------------------------

Mutation = Callable[[Doc], None]


def _set(path: str, value: Any) -> Mutation:
    """Set the value at a /-separated path (list indices as numbers)."""
    *parents, last = path.split("/")

    def mutate(doc: Doc) -> None:
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


def _drop(key: str) -> Mutation:
    def mutate(doc: Doc) -> None:
        del doc[key]

    return mutate


def _transition(dimension: str, key: str, value: Any) -> Mutation:
    """Set ``key`` of the first transition whose dimension starts with ``dimension``."""
    def mutate(doc: Doc) -> None:
        found = [t for t in doc["transitions"] if t["dimension"].startswith(dimension)]
        assert found, dimension
        found[0][key] = value

    return mutate


def _one_side(doc: Doc) -> None:
    del doc["patterns"][0]["decided"]["b"]


CHECK_DRIFT: dict[str, tuple[str, Mutation]] = {
    "unknown top-level key": ("edcal", _set("warnings", [])),
    "wrong format": ("edcal", _set("format", "rulepath/check-2")),
    "missing key": ("edcal", _drop("questions")),
    "ok true with a gap": ("broken", _set("ok", True)),
    "ok false with nothing found": ("edcal", _set("ok", False)),
    "negative questions": ("edcal", _set("questions", -1)),
    "unknown finding kind": ("broken", _set("gaps/0/kind", "hole")),
    "a conflict listed as a gap": ("broken", _set("gaps/0/kind", "conflict")),
    "unknown gap id": ("broken", _set("gaps/0/id", "no_exit")),
    "unknown key in a finding": ("broken", _set("gaps/0/severity", "high")),
    "unknown key in a witness": ("broken", _set("gaps/0/witness/score", 1)),
    "replayed without a case": ("broken", _set("gaps/0/witness/case", None)),
    "holds as a string": ("edcal", _set("properties/0/holds", "true")),
    "unknown key in a property": ("edcal", _set("properties/0/kind", "safety")),
    "violation without a cite": ("violation", _set("violations/0/cite", None)),
}

DIFF_DRIFT: dict[str, tuple[str, Mutation]] = {
    "unknown top-level key": ("counted", _set("warnings", [])),
    "wrong format": ("counted", _set("format", "rulepath/diff-2")),
    "missing key": ("counted", _drop("count_note")),
    "count as a float string": ("counted", _set("scenarios", "1.7e25")),
    "negative count": ("counted", _set("change_counts/met", -1)),
    "boolean count": ("counted", _set("change_counts/met", True)),
    "zero-scenario transition": ("counted", _set("transitions/0/scenarios", 0)),
    "unknown key in a transition": ("counted", _set("transitions/0/witnessed", True)),
    "unknown dimension": ("counted", _set("transitions/0/dimension", "sanction")),
    "unknown requirement status": ("counted", _transition("requirement(", "after", "unknown")),
    "ready_for_hearing not true/false": ("amendment",
                                         _transition("ready_for_hearing", "after", "yes")),
    "unknown key in a pattern": ("counted", _set("patterns/0/score", 1)),
    "unknown key in a condition": ("counted", _set("patterns/0/conditions/0/weight", 1)),
    "condition value as a string": ("counted", _set("patterns/0/conditions/0/value", "false")),
    "condition side c": ("counted", _set("patterns/0/conditions/0/side", "c")),
    "decided one side only": ("counted", _one_side),
    "no witness yet decided": ("counted", _set("patterns/0/witness", None)),
    "unknown key in a side's decision": ("counted", _set("patterns/0/decided/a/extra", 1)),
    "unknown key in inputs": ("counted", _set("inputs/total", 1)),
}


def _mutated(doc: Doc, mutate: Mutation) -> Doc:
    doc = copy.deepcopy(doc)
    mutate(doc)
    return doc


@pytest.mark.parametrize("drift", list(CHECK_DRIFT))
def test_a_drifted_check_report_fails(drift: str, checks: dict[str, Doc],
                                      check_schema: jsonschema.Draft202012Validator) -> None:
    which, mutate = CHECK_DRIFT[drift]
    assert not check_schema.is_valid(_mutated(checks[which], mutate))


@pytest.mark.parametrize("drift", list(DIFF_DRIFT))
def test_a_drifted_diff_fails(drift: str, diffs: dict[str, Doc],
                              diff_schema: jsonschema.Draft202012Validator) -> None:
    which, mutate = DIFF_DRIFT[drift]
    assert not diff_schema.is_valid(_mutated(diffs[which], mutate))


def _no_case(doc: Doc) -> None:
    witness = doc["gaps"][0]["witness"]
    witness.update(case=None, replayed=False, explanation=None,
                   note="unrealisable by dates: a test")


def _no_witness(doc: Doc) -> None:
    doc["patterns"][0].update(witness=None, decided={}, replays=False,
                              note="none of 18 scenarios tried is realised by a case file")


def _not_countable(doc: Doc) -> None:
    doc.update(scenarios=None, change_counts={}, count_note="not counted: a test")
    for t in doc["transitions"]:
        t["scenarios"] = None


def test_the_documented_null_shapes_are_accepted(
        checks: dict[str, Doc], diffs: dict[str, Doc],
        check_schema: jsonschema.Draft202012Validator,
        diff_schema: jsonschema.Draft202012Validator) -> None:
    """What the real outputs here do not show but the engine can write: a witness no dates
    realise, a finding without a witness, a pattern without a case, a program not counted."""
    assert _errors(check_schema, _mutated(checks["broken"], _no_case)) == []
    assert _errors(check_schema, _mutated(checks["broken"], _set("gaps/0/witness", None))) == []
    assert _errors(diff_schema, _mutated(diffs["counted"], _no_witness)) == []
    assert _errors(diff_schema, _mutated(diffs["counted"], _not_countable)) == []
