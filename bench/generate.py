"""Generate random, valid `rulepath/case-1` cases (a population for batch runs and tests).

Every case the generator writes passes the case-file validation. With ``unknown=0`` every
boolean, enum and list of the format is set, and every date of an event that happened (a
document not filed has no filing date, a hearing not noticed is ``null``): the engine then
has no open fact that any conclusion depends on. With ``unknown=p`` each field is left out
(unknown) with probability ``p``.

    python -m bench.generate 10000 --seed 1 --unknown 0.05 -o cases.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

KINDS = ("compel", "protective_order", "quash", "sanctions", "other_discovery", "not_discovery")
KIND_WEIGHTS = (40, 15, 10, 10, 10, 15)
KIND_RULE = {"compel": "frcp-37", "protective_order": "frcp-26", "quash": "frcp-45",
             "sanctions": "frcp-37", "other_discovery": "frcp-30", "not_discovery": "frcp-56"}
KIND_RELIEF = {"compel": "compel", "protective_order": "protect", "quash": "quash",
               "sanctions": "sanctions", "other_discovery": "other", "not_discovery": "other"}
RULES = (*(f"frcp-{n}" for n in (*range(26, 38), 45)), "frcp-16", "frcp-56", "frcp-11")
RELIEF = ("compel", "protect", "quash", "sanctions", "expenses", "other")
PARTIES = ("plaintiff", "defendant", "non_party")
MODES = ("in_person", "telephone", "video", "written")
SERVED = ("none", "partial", "complete")
RESPONDING_TO = ("request", "order", "initial_disclosures")
# The overlays a case names come as the standing orders seen in the corpus combine them.
STANDING_ORDERS = (
    ("no-written-conferral",),
    ("joint-statement-page-limit-25",),
    ("second-live-conference",),
    ("informal-conference-first",),
    ("no-written-conferral", "joint-statement-page-limit-25"),
    ("joint-statement-page-limit-25", "informal-conference-first"),
)
VERSIONS = ("37-251", "251", "251-amended-14")
FIRST = date(2006, 1, 2)
LAST = date(2025, 12, 31)
# Day counts around the rule's thresholds (3 court days, 7, 14, 21 days) are drawn more often.
NOTICE_GAPS = (0, 5, 6, 7, 8, 10, 13, 14, 15, 20, 21, 22, 23, 28, 30, 35, 42)
BEFORE_GAPS = (-2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 21)


READINGS = ("exception_lifts_conference", "notice_runs_from_filing", "rule45_in_scope",
            "concurrent_statement_timely", "ex_parte_application_outside_rule")


def _day(d: date) -> str:
    return d.isoformat()


def _subset(rng: random.Random, items: tuple[str, ...], p: float) -> list[str]:
    return [x for x in items if rng.random() < p]


def _bool(rng: random.Random, p_true: float = 0.5) -> bool:
    return rng.random() < p_true


def generate_case(rng: random.Random, index: int, *, unknown: float = 0.0,
                  overlays: float = 0.2) -> dict[str, Any]:
    """One random valid case; each field left out with probability ``unknown``."""
    as_of = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days))
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    rules = [KIND_RULE[kind]] if rng.random() < 0.8 else []
    rules += [r for r in _subset(rng, RULES, 0.06) if r not in rules]
    relief = [KIND_RELIEF[kind]] if rng.random() < 0.7 else []
    relief += [r for r in _subset(rng, RELIEF, 0.15) if r not in relief]

    filed_on = as_of - timedelta(days=rng.randrange(5, 150))
    hearing_on: date | None = None
    if rng.random() < 0.9:
        hearing_on = filed_on + timedelta(days=rng.choice(NOTICE_GAPS))
    motion: dict[str, Any] = {
        "kind": kind,
        "rules": rules,
        "relief": relief,
        "moving_party": rng.choice(PARTIES),
        "movant_pro_se": _bool(rng, 0.2),
        "movant_incarcerated": _bool(rng, 0.1),
        "filed_on": _day(filed_on),
        "served_by_mail": _bool(rng, 0.2),
        "hearing_on": _day(hearing_on) if hearing_on else None,
        "ex_parte": _bool(rng, 0.05),
        "filed_with_joint_statement": _bool(rng, 0.3),
    }
    if hearing_on is not None and rng.random() < 0.2:
        motion["notice_days"] = (hearing_on - filed_on).days
    cutoff = filed_on + timedelta(days=rng.randrange(-20, 90))
    schedule = {
        "discovery_cutoff": _day(cutoff),
        "motion_cutoff": _day(cutoff),
        "motion_after_cutoff": _bool(rng, 0.1),
        "lr251_waived": _bool(rng, 0.08),
        "conference_reimposed": _bool(rng, 0.3),
    }
    held = _bool(rng, 0.6)
    conference = {
        "held": held,
        "modes": _subset(rng, MODES, 0.3) if held else rng.choice(([], ["written"])),
        "adequate": _bool(rng, 0.8) if held else False,
        "after_motion_filed": _bool(rng, 0.3),
        "movant_effort": _bool(rng, 0.8),
        "opponent_refused": _bool(rng, 0.3),
        "informal_with_court": _bool(rng, 0.4),
    }
    responses = {"served": rng.choice(SERVED), "to": rng.choice(RESPONDING_TO)}

    def before_hearing() -> date:
        base = hearing_on or filed_on + timedelta(days=21)
        return base - timedelta(days=rng.choice(BEFORE_GAPS))

    js_filed = _bool(rng, 0.5)
    joint_statement: dict[str, Any] = {"filed": js_filed}
    if js_filed:
        js_on = before_hearing()
        joint_statement.update(
            {
                "filed_on": _day(js_on),
                "compliant": _bool(rng, 0.85),
                "signed_by_all": _bool(rng, 0.85),
                "single_document": _bool(rng, 0.9),
                "pages": rng.randrange(5, 40),
                "contains": {
                    "conference_details": _bool(rng, 0.9),
                    "nature_of_action": _bool(rng, 0.9),
                    "contentions": _bool(rng, 0.9),
                    "items_in_full": _bool(rng, 0.9),
                },
            }
        )
        if hearing_on is not None and rng.random() < 0.2:
            joint_statement["days_before_hearing"] = (hearing_on - js_on).days
    joint_statement.update(
        {
            "opponent_refused_to_sign": _bool(rng, 0.15),
            "refusal_good_cause": _bool(rng, 0.3),
            "separate_briefs_filed": _bool(rng, 0.1),
        }
    )
    aff_filed = _bool(rng, 0.25)
    affidavit: dict[str, Any] = {"filed": aff_filed}
    if aff_filed:
        affidavit["filed_on"] = _day(before_hearing())
        affidavit["contains"] = {k: _bool(rng, 0.8) for k in
                                 ("efforts", "issues", "contentions", "items_in_full")}
    resp_filed = _bool(rng, 0.5)
    response: dict[str, Any] = {"filed": resp_filed}
    if resp_filed:
        response["filed_on"] = _day(before_hearing())
    # Facts and readings added with the discretion issue (drawn last, so the fields above
    # come out as before for a seed).
    motion["time_shortened"] = rng.choice(("granted", "denied"))
    schedule["hearing_by_discovery_cutoff"] = _bool(rng, 0.8)
    served_now = responses["served"]
    responses["served_at_filing"] = (
        "none" if served_now == "none" else rng.choice(("none", served_now, served_now))
    )
    opponent = {"pro_se": _bool(rng, 0.1), "contributed": _bool(rng, 0.7),
                "incarcerated": _bool(rng, 0.05), "identified": _bool(rng, 0.97)}
    readings = {k: _bool(rng, 0.85) for k in READINGS}
    if rng.random() < 0.35:  # a discovery cutoff apart from the motion cutoff
        schedule["discovery_cutoff"] = _day(cutoff + timedelta(days=rng.randrange(-40, 40)))

    case: dict[str, Any] = {
        "format": "rulepath/case-1",
        "as_of": _day(as_of),
        "rule": "edcal-lr251",
        "caption": f"Generated case {index}",
        "court": "E.D. Cal.",
        "motion": motion,
        "opponent": opponent,
        "schedule": schedule,
        "conference": conference,
        "responses": responses,
        "joint_statement": joint_statement,
        "affidavit": affidavit,
        "response_to_exception_motion": response,
        "readings": readings,
    }
    if rng.random() < overlays:
        case["overlays"] = list(rng.choice(STANDING_ORDERS))
    if rng.random() < 0.05:
        case["rule_version"] = rng.choice(VERSIONS)
    if unknown > 0:
        _forget(rng, case, unknown)
    return case


_KEEP = frozenset({"format", "rule", "caption", "court", "as_of", "overlays", "rule_version"})


def _forget(rng: random.Random, case: dict[str, Any], p: float) -> None:
    """Leave each fact out with probability ``p`` (an absent field is unknown)."""
    for section, body in list(case.items()):
        if section in _KEEP or not isinstance(body, dict):
            continue
        for key, value in list(body.items()):
            if isinstance(value, dict):
                for inner in list(value):
                    if rng.random() < p:
                        del value[inner]
            elif rng.random() < p:
                del body[key]
        # A filing date left in place implies the filing; the interval fields must still
        # agree with the dates, which stay consistent because values are only removed.


def generate(n: int, *, seed: int = 0, unknown: float = 0.0,
             overlays: float = 0.2) -> Iterator[dict[str, Any]]:
    """``n`` cases from one seed (the same seed always gives the same cases)."""
    rng = random.Random(seed)
    for i in range(n):
        yield generate_case(rng, i + 1, unknown=unknown, overlays=overlays)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--unknown", type=float, default=0.0,
                        help="probability that a field is left out (unknown)")
    parser.add_argument("--overlays", type=float, default=0.2,
                        help="probability that a case names court overlays")
    parser.add_argument("-o", "--output", default="-", help="JSON Lines file (- = stdout)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for case in generate(args.n, seed=args.seed, unknown=args.unknown,
                             overlays=args.overlays):
            out.write(json.dumps(case, separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
