"""Agreement of the engine with a second, independent encoding of the rule (bench/reference.py,
plain Python if/else): governs, route, readiness, every requirement's status and the defects.

* the whole of a discretised scenario space: every combination of the facts that choose the
  path (kind, rules invoked, relief, responses, filings, waiver, version, overlays), other
  facts fixed, every fact known;
* large random samples of fully known cases (every boolean, enum and list set; every date of
  an event that happened), across versions and overlays;
* random cases with unknown facts (the reference enumerates the completions the
  presumptions allow; cases needing more than its cap are skipped and counted);
* the legal test cases (tests/cases) and the corpus of real orders.

The engine side is :class:`BatchDecider` (tests/test_batch.py checks it against ``decide``).
A disagreement is a bug in one of the two encodings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.generate import generate
from bench.reference import Reference, ReferenceError, decide
from rulepath.engine.batch import BatchDecider
from rulepath.engine.casefile import case_from_mapping

ROOT = Path(__file__).resolve().parents[1]


def _engine_view(decision: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "governs": decision["governs"],
        "route": decision["route"],
        "ready_for_hearing": decision["ready_for_hearing"],
        "requirements": [(r["id"], r["status"]) for r in decision["requirements"]],
        "defects": [d["id"] for d in decision["defects"]],
    }


def _reference_view(ref: Reference) -> dict[str, Any]:
    return {
        "governs": ref.governs,
        "route": ref.route,
        "ready_for_hearing": ref.ready_for_hearing,
        "requirements": list(ref.requirements),
        "defects": list(ref.defects),
    }


def _disagreements(cases: Iterable[Mapping[str, Any]], *, max_completions: int = 1 << 12,
                   defaults: bool = True) -> tuple[list[str], int, int]:
    """(disagreements, cases compared, cases the reference skipped)."""
    decider = BatchDecider(defaults=defaults)
    bad: list[str] = []
    compared = skipped = 0
    for data in cases:
        try:
            ref = decide(data, max_completions=max_completions, defaults=defaults)
        except ReferenceError:
            skipped += 1
            continue
        engine = _engine_view(decider.decide(case_from_mapping(data)))
        compared += 1
        mine = _reference_view(ref)
        if engine != mine:
            diff = {k: (engine[k], mine[k]) for k in engine if engine[k] != mine[k]}
            bad.append(f"{data.get('caption')}: (engine, reference) {diff}")
    return bad, compared, skipped


BASE: dict[str, Any] = {
    "format": "rulepath/case-1",
    "caption": "scenario",
    "motion": {
        "moving_party": "plaintiff", "movant_pro_se": False, "movant_incarcerated": False,
        "filed_on": "2015-03-02", "served_by_mail": False, "hearing_on": "2015-03-25",
        "ex_parte": False, "filed_with_joint_statement": False,
    },
    "opponent": {"pro_se": False, "contributed": True},
    "schedule": {"motion_cutoff": "2015-06-01", "motion_after_cutoff": False},
    "conference": {"held": True, "modes": ["telephone"], "adequate": True,
                   "after_motion_filed": False, "movant_effort": True,
                   "opponent_refused": False, "informal_with_court": True},
    "responses": {"to": "request"},
    "joint_statement": {
        "compliant": True, "signed_by_all": True, "single_document": True, "pages": 12,
        "contains": {"conference_details": True, "nature_of_action": True,
                     "contentions": True, "items_in_full": True},
        "opponent_refused_to_sign": False, "refusal_good_cause": False,
        "separate_briefs_filed": False,
    },
    "affidavit": {"contains": {"efforts": True, "issues": True, "contentions": False,
                               "items_in_full": True}},
    "response_to_exception_motion": {"filed": True, "filed_on": "2015-03-16"},
}
SPACE: dict[str, tuple[Any, ...]] = {
    "kind": ("compel", "protective_order", "quash", "sanctions", "other_discovery",
             "not_discovery"),
    "rules": ((), ("frcp-37",), ("frcp-45",), ("frcp-16",)),
    "relief": (("compel",), ("sanctions",), ("sanctions", "compel"), ("expenses",)),
    "served": ("none", "partial", "complete"),
    "js_filed_on": (None, "2015-03-18", "2015-03-20"),  # not filed, on time, late (7 days)
    "affidavit_filed_on": (None, "2015-03-16"),
    "waiver": ((False, False), (True, False), (True, True)),  # (lr251_waived, reimposed)
    "as_of": ("2008-06-02", "2015-06-01", "2024-06-03"),  # 37-251, 251, amended (14 days)
    "overlays": ((), ("no-written-conferral", "joint-statement-page-limit-25"),
                 ("second-live-conference", "informal-conference-first")),
}


def scenario_space() -> Iterator[dict[str, Any]]:
    """Every combination of SPACE (the path-choosing facts), the rest as in BASE."""
    for values in itertools.product(*SPACE.values()):
        s: dict[str, Any] = dict(zip(SPACE, values, strict=True))
        case = deepcopy(BASE)
        case["caption"] = f"scenario {values}"
        case["as_of"] = s["as_of"]
        case["overlays"] = list(s["overlays"])
        case["motion"].update(kind=s["kind"], rules=list(s["rules"]), relief=list(s["relief"]))
        case["responses"]["served"] = s["served"]
        js = case["joint_statement"]
        js["filed"] = s["js_filed_on"] is not None
        if s["js_filed_on"]:
            js["filed_on"] = s["js_filed_on"]
        aff = case["affidavit"]
        aff["filed"] = s["affidavit_filed_on"] is not None
        if s["affidavit_filed_on"]:
            aff["filed_on"] = s["affidavit_filed_on"]
        waived, reimposed = s["waiver"]
        case["schedule"].update(lr251_waived=waived, conference_reimposed=reimposed)
        yield case


def test_scenario_space_is_decided_alike() -> None:
    bad, compared, skipped = _disagreements(scenario_space())
    assert compared == 6 * 4 * 4 * 3 * 3 * 2 * 3 * 3 * 3 and skipped == 0
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("seed", [1, 2])
def test_random_fully_known_cases(seed: int) -> None:
    bad, compared, _ = _disagreements(generate(5000, seed=seed))
    assert compared == 5000
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


@pytest.mark.parametrize(("seed", "unknown"), [(11, 0.03), (12, 0.08), (13, 0.15)])
def test_random_cases_with_unknown_facts(seed: int, unknown: float) -> None:
    bad, compared, skipped = _disagreements(generate(600, seed=seed, unknown=unknown))
    assert compared >= 400, (compared, skipped)
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


def test_without_presumptions() -> None:
    bad, compared, _ = _disagreements(generate(400, seed=51, unknown=0.05), defaults=False)
    assert compared >= 300
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


def test_legal_test_cases() -> None:
    from tests.test_legal_cases import legal_files

    cases = []
    for path in legal_files():
        for item in yaml.safe_load(path.read_text())["cases"]:
            if item["case"].get("rule", "edcal-lr251") != "edcal-lr251":
                continue  # the reference encodes L.R. 251 only
            data = {"format": "rulepath/case-1", "as_of": "2015-06-01", **item["case"]}
            data["caption"] = f"{path.stem}::{item['name']}"
            cases.append((item.get("defaults", True), data))
    for defaults in (True, False):
        chosen = [data for flag, data in cases if flag is defaults]
        bad, compared, _ = _disagreements(chosen, defaults=defaults)
        assert compared >= len(chosen) * 0.9
        assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


def test_corpus_of_real_orders(shared: Path) -> None:
    from rulepath.engine.casefile import load_case

    cases = []
    for path in sorted((shared / "corpus" / "dev").glob("*.yaml")):
        data = load_case(path).model_dump(mode="json", exclude_unset=True, exclude={"expected"})
        data["caption"] = path.name
        cases.append(data)
    bad, compared, _ = _disagreements(cases)
    assert compared >= 15  # real orders leave many facts unknown: the rest exceed the cap
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])
