"""The legal test runner itself (tests/test_legal_cases.py), on small inline documents: its
keys are closed at every level, and `rules`/`no_rules` check the rules that fire."""

from __future__ import annotations

import pytest

from tests.test_legal_cases import CHECKS, EXPECT, Outcome, as_param, problems_of, read_cases

# A motion to compel on the joint-statement path, the conference held: route_js fires and
# route_affidavit does not. A test fills in the keys of the file and the case (to misspell
# them), the expectation, and whether the joint statement was filed.
DOC = """
clause: "251(b)"
{file}:
  base: &base
    motion: {{kind: compel, rules: [frcp-37], relief: [compel], moving_party: plaintiff}}
    conference: {{held: true, adequate: true}}
    responses: {{served: partial, to: request}}
    joint_statement: {{filed: {filed}}}
cases:
  - name: a conference without a joint statement still bars the hearing
    case: *base
    {case}: {expect}
"""
NAME = "a conference without a joint statement still bars the hearing"
EXPECT_DEFECT = "{defects: [no_joint_statement]}"


def problems(
    *,
    file: str = "fixtures",
    case: str = "expect",
    expect: str = EXPECT_DEFECT,
    filed: str = "false",
) -> list[str]:
    """The problems the runner finds with DOC, filled in as given."""
    text = DOC.format(file=file, case=case, expect=expect, filed=filed)
    [legal] = read_cases(text, "inline.yaml")
    return problems_of(legal)


def test_a_well_formed_case_passes() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("spelling", "wrong", "where", "meant"),
    [
        ({"file": "fixture"}, "fixture", "the file", "fixtures"),
        ({"case": "expects"}, "expects", "the case", "expect"),
        ({"expect": "{defect: [no_joint_statement]}"}, "defect", "expect", "defects"),
    ],
)
def test_a_misspelled_key_fails_naming_the_key_the_file_the_case_and_the_closest_key(
    spelling: dict[str, str], wrong: str, where: str, meant: str
) -> None:
    assert (
        f"inline.yaml, case {NAME!r}: unknown key {wrong!r} in {where} (did you mean {meant!r}?)"
    ) in problems(**spelling)


def test_a_misspelled_required_key_is_also_reported_missing() -> None:
    assert problems(case="expects")[1:] == [
        f"inline.yaml, case {NAME!r}: missing key 'expect' in the case"
    ]


def test_an_unknown_key_far_from_any_lists_the_allowed_ones() -> None:
    [found] = problems(file="zzz")
    assert found.endswith("unknown key 'zzz' in the file (allowed: cases, clause, fixtures)")


def test_a_file_without_cases_fails_as_one_case() -> None:
    [legal] = read_cases('clause: "251(b)"\ncase: []\n', "inline.yaml")
    assert problems_of(legal) == [
        "inline.yaml: unknown key 'case' in the file (did you mean 'cases'?)",
        "inline.yaml: missing key 'cases' in the file",
    ]


def test_a_case_with_a_wrong_key_is_not_excused_by_its_xfail() -> None:
    text = DOC.format(file="fixture", case="expect", expect=EXPECT_DEFECT, filed="false")
    [legal] = read_cases(text + "    xfail: a known departure\n", "inline.yaml")
    assert legal.problems
    assert not as_param(legal).marks


def test_the_keys_of_expect_are_the_checks() -> None:
    assert EXPECT.required | EXPECT.optional == set(CHECKS)


def test_rules_passes_for_rules_that_fire() -> None:
    assert problems(expect="{rules: [route_js, 'scope_rule(37)']}") == []


def test_rules_fails_for_a_rule_that_does_not_fire() -> None:
    assert problems(expect="{rules: [route_affidavit]}") == [
        "rule route_affidavit fires in every completion: fires in none"
    ]


def test_no_rules_passes_for_a_rule_that_does_not_fire_and_fails_for_one_that_does() -> None:
    assert problems(expect="{no_rules: [route_affidavit]}") == []
    assert problems(expect="{no_rules: [route_js]}") == [
        "rule route_js fires in no completion: fires in every"
    ]


@pytest.mark.parametrize("key", ["rules", "no_rules"])
def test_an_unknown_rule_id_fails_with_the_closest_id(key: str) -> None:
    assert problems(expect=f"{{{key}: [route_jss]}}") == [
        "rule 'route_jss' is no rule or default of the program (did you mean 'route_js'?)"
    ]


def test_a_default_that_is_presumed_counts_as_fired() -> None:
    assert problems(expect="{rules: [js_presumed_timely]}", filed="true") == []
    assert problems(expect="{no_rules: [js_presumed_timely]}") == []


def test_a_rule_that_fires_in_some_completions_only_fails_both() -> None:
    some = Outcome(
        {},
        frozenset({"always", "sometimes"}),
        frozenset({"always"}),
        frozenset({"always", "sometimes"}),
    )
    assert CHECKS["rules"](some, ["always", "sometimes"]) == [
        "rule sometimes fires in every completion: fires in some"
    ]
    assert CHECKS["no_rules"](some, ["sometimes"]) == [
        "rule sometimes fires in no completion: fires in some"
    ]


def test_a_bare_id_where_a_list_belongs_fails() -> None:
    assert problems(expect="{no_defects: no_conference}") == [
        "defect ids must be a list, got 'no_conference'"
    ]


def test_defaults_must_be_a_boolean() -> None:
    text = DOC.format(file="fixtures", case="expect", expect=EXPECT_DEFECT, filed="false")
    [legal] = read_cases(text + "    defaults: 'false'\n", "inline.yaml")
    assert problems_of(legal) == [
        f"inline.yaml, case {NAME!r}: defaults must be true or false, got 'false'"
    ]
