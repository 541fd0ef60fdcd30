"""Legal test cases: YAML files under tests/cases/, one per clause, collected by pytest.

Each file names the clause it tests and lists cases: the facts (a case file, `format` and
`as_of` filled in when absent) and what the rule must conclude. Expectations are checked
against the decision's JSON contract, so the tests read like the rule.

    clause: "251(b)"
    cases:
      - name: no conference on the joint-statement path is a defect
        case: {motion: {kind: compel, rules: [frcp-37], relief: [compel]}, ...}
        defaults: true          # optional; false = --no-defaults
        expect:
          route: joint_statement
          ready_for_hearing: false
          defects: [no_conference]            # contained
          no_defects: [no_joint_statement]    # absent
          requirements: {conference: unmet}
          exceptions: {total_failure_to_respond: false}
          disposition: deny_without_prejudice # the recommended one
          consistent: [drop_hearing]          # contained
          sanctions: ["opposing_counsel:refused_conference"]
          deadlines: {joint_statement_due: {date: "2015-06-10", status: met}}
          assumed: [js_presupposes_conference]
          undetermined: [ready_for_hearing]   # conclusions contained
          next_steps: [arrange_conference]
          cites: {no_conference: "251(b)"}    # defect, requirement or exception id -> cite
          sanction_cites: {"movant:noncompliance_with_local_rule": "L.R. 110"}
          sanction_discretionary: {"opposing_counsel:refused_conference": true}
        xfail: "reason"         # optional: a known departure of the engine, strict
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rulepath.engine.api import decide
from rulepath.engine.casefile import case_from_mapping

CASES = Path(__file__).parent / "cases"
DEFAULT_AS_OF = "2015-06-01"


def _collect() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for item in doc["cases"]:
            marks = []
            if "xfail" in item:  # a known departure of the engine from the rule, with its reason
                marks.append(pytest.mark.xfail(reason=item["xfail"], strict=True))
            params.append(
                pytest.param(doc["clause"], item, id=f"{path.stem}::{item['name']}", marks=marks)
            )
    return params


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {i["id"] for i in items}


def check(decision: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every way the decision departs from the expectation (empty when it meets it)."""
    bad: list[str] = []

    def want(label: str, ok: bool, got: object) -> None:
        if not ok:
            bad.append(f"{label}: got {got!r}")

    def members(label: str, present: str, absent: str | None, actual: set[str]) -> None:
        """Every id listed under ``present`` is in ``actual``; none under ``absent`` is."""
        for x in expect.get(present, []):
            want(f"{label} {x}", x in actual, sorted(actual))
        for x in expect.get(absent, []) if absent else []:
            want(f"no {label} {x}", x not in actual, sorted(actual))

    for key in ("route", "governs", "ready_for_hearing"):
        if key in expect:
            want(f"{key} == {expect[key]!r}", decision[key] == expect[key], decision[key])
    if "disposition" in expect:
        got = decision["disposition"]["recommended"]
        want(f"disposition == {expect['disposition']!r}", got == expect["disposition"], got)
    members(
        "consistent", "consistent", "not_consistent", set(decision["disposition"]["consistent"])
    )
    members("defect", "defects", "no_defects", _ids(decision["defects"]))
    reqs = {r["id"]: r["status"] for r in decision["requirements"]}
    for rid, status in expect.get("requirements", {}).items():
        want(f"requirement {rid} is {status}", reqs.get(rid, "absent") == status, reqs.get(rid))
    excs = {e["id"]: e["applies"] for e in decision["exceptions"]}
    for eid, applies in expect.get("exceptions", {}).items():
        want(
            f"exception {eid} applies={applies}", excs.get(eid, "absent") == applies, excs.get(eid)
        )
    by_key = {f"{s['against']}:{s['ground']}": s for s in decision["sanctions"]}
    members("sanction", "sanctions", "no_sanctions", set(by_key))
    for key, cite in expect.get("sanction_cites", {}).items():
        got = by_key.get(key, {}).get("cite")
        want(f"cite of sanction {key} == {cite!r}", got == cite, got)
    for key, flag in expect.get("sanction_discretionary", {}).items():
        got = by_key.get(key, {}).get("discretionary")
        want(f"sanction {key} discretionary == {flag}", got == flag, got)
    deadlines = {d["id"]: d for d in decision["deadlines"]}
    for did, fields in expect.get("deadlines", {}).items():
        got = deadlines.get(did)
        if got is None:
            bad.append(f"deadline {did} applies: got {sorted(deadlines)}")
            continue
        for k, v in (fields or {}).items():
            want(f"deadline {did}.{k} == {v!r}", str(got[k]) == str(v), got[k])
    for did in expect.get("no_deadlines", []):
        want(f"deadline {did} does not apply", did not in deadlines, sorted(deadlines))
    members("assumed", "assumed", "not_assumed", _ids(decision["assumed"]))
    members(
        "undetermined", "undetermined", None, {u["conclusion"] for u in decision["undetermined"]}
    )
    members("next step", "next_steps", None, _ids(decision["next_steps"]))
    cites = {
        x["id"]: x["cite"]
        for key in ("defects", "requirements", "exceptions")
        for x in decision[key]
    }
    for xid, cite in expect.get("cites", {}).items():
        want(f"cite of {xid} == {cite!r}", cites.get(xid) == cite, cites.get(xid))
    return bad


@pytest.mark.parametrize(("clause", "item"), _collect())
def test_legal_case(clause: str, item: dict[str, Any]) -> None:
    data = {"format": "rulepath/case-1", "as_of": DEFAULT_AS_OF, **item["case"]}
    case = case_from_mapping(data, source=item["name"])
    decision = decide(case, defaults=item.get("defaults", True), explain=False).to_dict()
    problems = check(decision, item["expect"])
    assert not problems, f"{clause} — {item['name']}:\n  " + "\n  ".join(problems)
