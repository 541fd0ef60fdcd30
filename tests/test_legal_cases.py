"""Legal test cases: YAML files under tests/cases/, one per clause, collected by pytest.

Each file names the clause it tests and lists cases: the facts (a case file, `format` and
`as_of` filled in when absent) and what the rule must conclude. Expectations are checked
against the decision's JSON contract and the rules that fire, so the tests read like the rule.

    clause: "251(b)"
    fixtures:                   # optional: YAML anchors the cases merge (`<<: *base`)
      base: &base {motion: {kind: compel, rules: [frcp-37], relief: [compel]}}
    cases:
      - name: no conference on the joint-statement path is a defect
        case: {<<: *base, conference: {held: false}}
        defaults: true          # optional; false = --no-defaults
        expect:
          route: joint_statement
          governs: true
          ready_for_hearing: false
          defects: [no_conference]            # contained
          no_defects: [no_joint_statement]    # absent
          requirements: {conference: unmet}   # status, or `absent`
          exceptions: {total_failure_to_respond: false}
          disposition: deny_without_prejudice # the recommended one
          consistent: [drop_hearing]          # contained
          not_consistent: [hear_on_merits]    # absent
          sanctions: ["opposing_counsel:refused_conference"]
          no_sanctions: ["opposing_counsel:refused_to_sign_joint_statement"]
          deadlines: {joint_statement_due: {date: "2015-06-10", status: met}}
          no_deadlines: [affidavit_due]
          assumed: [js_presupposes_conference]
          not_assumed: [conference_presumed_adequate]
          undetermined: [ready_for_hearing]   # conclusions contained
          next_steps: [arrange_conference]
          cites: {no_conference: "251(b)"}    # defect, requirement or exception id -> cite
          sanction_cites: {"movant:noncompliance_with_local_rule": "L.R. 110"}
          sanction_discretionary: {"opposing_counsel:refused_conference": true}
          rules: [route_js, "scope_rule(45)"]  # rule or default ids that fire in every completion
          no_rules: [route_affidavit]          # ... that fire in none
        xfail: "reason"         # optional: a known departure of the engine, strict

The keys are closed at every level: an unknown key (a misspelling that would otherwise check
nothing) fails its case, naming the key and the closest allowed one. The keys of `expect` are
those of :data:`CHECKS`, the one table of the checks; rule ids in `rules`/`no_rules` must be
declared by the case's program.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import clingo
import pytest
import yaml

from rulepath.engine.api import decide, load_and_solve
from rulepath.engine.casefile import Case, case_from_mapping

CASES = Path(__file__).parent / "cases"
COVERAGE_EXCEPTIONS = CASES / "coverage_exceptions.yaml"  # data of test_rule_coverage
DEFAULT_AS_OF = "2015-06-01"
ABSENT = "absent"  # what an id-keyed expectation (requirements, cites, ...) reads when missing


@dataclass(frozen=True)
class Outcome:
    """What the engine concluded on one case."""

    decision: dict[str, Any]  # the decision's JSON contract
    rule_ids: frozenset[str]  # every rule and default id the case's program declares
    certain: frozenset[str]  # rule and default ids that fire in every completion
    possible: frozenset[str]  # ... in some completion


Check = Callable[[Outcome, Any], list[str]]
Read = Callable[[Outcome], Any]


def fired(symbols: Iterable[clingo.Symbol]) -> frozenset[str]:
    """The ids of the rules (``fired(R)``) and defaults (``presumed(D)``) among the atoms."""
    return frozenset(
        str(s.arguments[0])
        for s in symbols
        if s.name in ("fired", "presumed") and len(s.arguments) == 1
    )


def _suggest(word: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(allowed), n=1)
    return f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(allowed))}"


# --- the checks of `expect`: each key names one ------------------------------------------


def _equals(label: str, read: Read) -> Check:
    def check(out: Outcome, want: object) -> list[str]:
        got = read(out)
        return [] if got == want else [f"{label} == {want!r}: got {got!r}"]

    return check


def _not_a_list(label: str, ids: object) -> list[str]:
    """A value that must be a list of ids (a bare id would be read letter by letter)."""
    return [] if isinstance(ids, list) else [f"{label} ids must be a list, got {ids!r}"]


def _contains(label: str, read: Read) -> Check:
    def check(out: Outcome, ids: list[str]) -> list[str]:
        got = read(out)
        return _not_a_list(label, ids) or [
            f"{label} {x}: got {sorted(got)!r}" for x in ids if x not in got
        ]

    return check


def _lacks(label: str, read: Read) -> Check:
    def check(out: Outcome, ids: list[str]) -> list[str]:
        got = read(out)
        return _not_a_list(label, ids) or [
            f"no {label} {x}: got {sorted(got)!r}" for x in ids if x in got
        ]

    return check


def _entries(label: str, read: Read) -> Check:
    """Each id's entry in a table of the decision equals the expected one; ``label`` is
    formatted with the id and the expected value."""

    def check(out: Outcome, want: Mapping[str, object]) -> list[str]:
        got = read(out)
        return [
            f"{label.format(id=k, want=v)}: got {got.get(k, ABSENT)!r}"
            for k, v in want.items()
            if got.get(k, ABSENT) != v
        ]

    return check


def _deadlines(out: Outcome, want: Mapping[str, Mapping[str, object] | None]) -> list[str]:
    """Each deadline applies, with the fields given (compared as text: dates are strings)."""
    deadlines = {d["id"]: d for d in out.decision["deadlines"]}
    bad = []
    for did, fields in want.items():
        got = deadlines.get(did)
        if got is None:
            bad.append(f"deadline {did} applies: got {sorted(deadlines)!r}")
            continue
        for k, v in (fields or {}).items():
            if k not in got:
                bad.append(f"deadline {did} has no field {k!r} ({_suggest(k, got)})")
            elif str(got[k]) != str(v):
                bad.append(f"deadline {did}.{k} == {v!r}: got {got[k]!r}")
    return bad


def _undeclared(out: Outcome, ids: list[str]) -> list[str]:
    return [
        f"rule {x!r} is no rule or default of the program ({_suggest(x, out.rule_ids)})"
        for x in ids
        if x not in out.rule_ids
    ]


def _rules_fire(out: Outcome, ids: list[str]) -> list[str]:
    return _not_a_list("rule", ids) or _undeclared(out, ids) + [
        f"rule {x} fires in every completion: fires in {'some' if x in out.possible else 'none'}"
        for x in ids
        if x in out.rule_ids and x not in out.certain
    ]


def _rules_do_not_fire(out: Outcome, ids: list[str]) -> list[str]:
    return _not_a_list("rule", ids) or _undeclared(out, ids) + [
        f"rule {x} fires in no completion: fires in {'every' if x in out.certain else 'some'}"
        for x in ids
        if x in out.possible
    ]


def _field(*path: str) -> Read:
    def read(out: Outcome) -> Any:
        value: Any = out.decision
        for key in path:
            value = value[key]
        return value

    return read


def _ids(key: str) -> Read:
    return lambda out: {x["id"] for x in out.decision[key]}


def _by_id(key: str, field: str) -> Read:
    return lambda out: {x["id"]: x[field] for x in out.decision[key]}


def _sanctions(field: str | None = None) -> Read:
    """The sanctions by ``against:ground``: their keys, or one field of each."""

    def read(out: Outcome) -> Any:
        by_key = {f"{s['against']}:{s['ground']}": s for s in out.decision["sanctions"]}
        return set(by_key) if field is None else {k: s[field] for k, s in by_key.items()}

    return read


def _cites(out: Outcome) -> dict[str, str]:
    d = out.decision
    return {x["id"]: x["cite"] for key in ("defects", "requirements", "exceptions") for x in d[key]}


def _consistent(out: Outcome) -> set[str]:
    return set(out.decision["disposition"]["consistent"])


def _assumed(out: Outcome) -> set[str]:
    return {x["id"] for x in out.decision["assumed"]}


def _options(out: Outcome) -> set[str]:
    """The court's options as ``option:for`` (``option:for@date`` when it carries a date)."""
    found = set()
    for o in out.decision["discretion"]["options"]:
        found.add(f"{o['option']}:{o['for']}")
        if o["date"]:
            found.add(f"{o['option']}:{o['for']}@{o['date']}")
    return found


def _cures(out: Outcome) -> set[str]:
    """The cures as ``requirement:action`` (``...@date`` when dated)."""
    found = set()
    for c in out.decision["discretion"]["cures"]:
        found.add(f"{c['requirement']}:{c['action']}")
        if c["by"]:
            found.add(f"{c['requirement']}:{c['action']}@{c['by']}")
    return found


def _undetermined(out: Outcome) -> set[str]:
    return {u["conclusion"] for u in out.decision["undetermined"]}


CHECKS: dict[str, Check] = {
    "route": _equals("route", _field("route")),
    "governs": _equals("governs", _field("governs")),
    "ready_for_hearing": _equals("ready_for_hearing", _field("ready_for_hearing")),
    "disposition": _equals("disposition", _field("disposition", "recommended")),
    "consistent": _contains("consistent", _consistent),
    "not_consistent": _lacks("consistent", _consistent),
    "defects": _contains("defect", _ids("defects")),
    "no_defects": _lacks("defect", _ids("defects")),
    "requirements": _entries("requirement {id} is {want}", _by_id("requirements", "status")),
    "exceptions": _entries("exception {id} applies={want}", _by_id("exceptions", "applies")),
    "sanctions": _contains("sanction", _sanctions()),
    "no_sanctions": _lacks("sanction", _sanctions()),
    "sanction_cites": _entries("cite of sanction {id} == {want!r}", _sanctions("cite")),
    "sanction_discretionary": _entries(
        "sanction {id} discretionary == {want}", _sanctions("discretionary")
    ),
    "deadlines": _deadlines,
    "no_deadlines": _lacks("deadline", _ids("deadlines")),
    "options": _contains("option", _options),
    "no_options": _lacks("option", _options),
    "cures": _contains("cure", _cures),
    "readiness": _equals("readiness", lambda out: (out.decision["readiness"] or {}).get("basis")),
    "forces": _entries("force of defect {id} == {want!r}", _by_id("defects", "force")),
    "assumed": _contains("assumed", _assumed),
    "not_assumed": _lacks("assumed", _assumed),
    "undetermined": _contains("undetermined", _undetermined),
    "next_steps": _contains("next step", _ids("next_steps")),
    "cites": _entries("cite of {id} == {want!r}", _cites),
    "rules": _rules_fire,
    "no_rules": _rules_do_not_fire,
}


def check(outcome: Outcome, expect: Mapping[str, Any]) -> list[str]:
    """Every way the outcome departs from the expectation (empty when it meets it)."""
    return [bad for key, want in expect.items() for bad in CHECKS[key](outcome, want)]


# --- the keys of a legal test file ---------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a legal test file: the keys it requires and those it allows."""

    name: str
    required: frozenset[str]
    optional: frozenset[str]

    def problems(self, value: object) -> list[str]:
        if not isinstance(value, dict):
            return [f"{self.name} must be a mapping, got {value!r}"]
        allowed = self.required | self.optional
        unknown = [
            f"unknown key {k!r} in {self.name} ({_suggest(str(k), allowed)})"
            for k in value
            if k not in allowed
        ]
        return unknown + [
            f"missing key {k!r} in {self.name}" for k in sorted(self.required - set(value))
        ]


FILE = Level("the file", frozenset({"clause", "cases"}), frozenset({"fixtures"}))
CASE = Level("the case", frozenset({"name", "case", "expect"}), frozenset({"defaults", "xfail"}))
EXPECT = Level("expect", frozenset(), frozenset(CHECKS))


@dataclass(frozen=True)
class LegalCase:
    """One case of a legal test file, with what its file or itself gets wrong in the format."""

    file: str
    clause: str
    name: str
    item: Mapping[str, Any]  # the case's entry in the file
    problems: tuple[str, ...] = ()

    @property
    def expect(self) -> Mapping[str, Any]:
        return self.item.get("expect") or {}

    @property
    def defaults(self) -> bool:
        return bool(self.item.get("defaults", True))


def read_cases(text: str, file: str) -> list[LegalCase]:
    """The cases of one legal test file (a single nameless one when the file has none)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return [LegalCase(file, "", "(file)", {}, (f"{file}: not YAML: {error}",))]
    top = FILE.problems(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        return [LegalCase(file, "", "(file)", {}, tuple(f"{file}: {p}" for p in top))]
    clause = str(doc.get("clause", ""))
    return [_read_case(file, clause, i, item, top) for i, item in enumerate(doc["cases"])]


def _read_case(file: str, clause: str, index: int, item: object, top: list[str]) -> LegalCase:
    entry = item if isinstance(item, dict) else {}
    name = str(entry.get("name", f"#{index + 1}"))
    own = CASE.problems(item)
    if not isinstance(entry.get("defaults", True), bool):
        own.append(f"defaults must be true or false, got {entry['defaults']!r}")
    if "expect" in entry:
        own += EXPECT.problems(entry["expect"])
    where = f"{file}, case {name!r}"
    return LegalCase(file, clause, name, entry, tuple(f"{where}: {p}" for p in top + own))


def legal_files() -> list[Path]:
    return sorted(p for p in CASES.glob("*.yaml") if p != COVERAGE_EXCEPTIONS)


def legal_cases() -> list[LegalCase]:
    """Every case of every legal test file."""
    return [c for path in legal_files() for c in read_cases(path.read_text(), path.name)]


def build_case(legal: LegalCase) -> Case:
    data = {"format": "rulepath/case-1", "as_of": DEFAULT_AS_OF, **legal.item["case"]}
    return case_from_mapping(data, source=legal.name)


def solve_case(legal: LegalCase) -> Outcome:
    case = build_case(legal)
    decision = decide(case, defaults=legal.defaults, explain=False).to_dict()
    program, _, consequences = load_and_solve(case, defaults=legal.defaults)
    return Outcome(
        decision,
        frozenset(str(r) for r in program.rules),
        fired(consequences.certain),
        fired(consequences.possible),
    )


def problems_of(legal: LegalCase) -> list[str]:
    """Every way the case departs from the format or the engine from the case (empty: passes)."""
    if legal.problems:
        return list(legal.problems)
    return check(solve_case(legal), legal.expect)


def as_param(legal: LegalCase) -> Any:
    """The pytest parameter of a case: strictly expected to fail when it names an ``xfail``
    (a known departure of the engine, with its reason), unless its format is wrong."""
    marks = []
    if "xfail" in legal.item and not legal.problems:
        marks.append(pytest.mark.xfail(reason=str(legal.item["xfail"]), strict=True))
    return pytest.param(legal, id=f"{Path(legal.file).stem}::{legal.name}", marks=marks)


@pytest.mark.parametrize("legal", [as_param(c) for c in legal_cases()])
def test_legal_case(legal: LegalCase) -> None:
    problems = problems_of(legal)
    assert not problems, f"{legal.clause} — {legal.name}:\n  " + "\n  ".join(problems)
