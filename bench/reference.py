"""A second, independent encoding of L.R. 251 in plain Python (if/else), for the benchmark and
for agreement tests with the engine. It is *not* the engine and shares no code with it: it
reads the raw case mapping (`rulepath/case-1`, as parsed from JSON), counts FRCP 6 days itself
and decides governs, route, readiness, requirement statuses and defects as the rule pack in
logic/edcal_lr251/*.lp encodes them (including the presumptions of assumptions.lp, the
versions and the overlays).

Unknown facts: a case may leave facts unknown. The decision is then what holds in every
completion of the unknown facts that the presumptions allow (three-valued, like the engine).
The completions are enumerated lazily: the rule is evaluated with the known facts, and only
an unknown fact that the evaluation actually reads is branched on. A fully known case (the
benchmark's population) is evaluated once.

    from bench.reference import decide
    decide(case_mapping)  # -> Reference(governs=..., route=..., ready_for_hearing=..., ...)
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import holidays

# --- the rule's versions and parameters (logic/edcal_lr251/pack.toml, versions/) ---------
V37, V251, V14 = "37-251", "251", "251-amended-14"
VERSIONS = ((date(2023, 11, 15), V14), (date(2009, 12, 1), V251), (date(2005, 1, 3), V37))
NWC = "no-written-conferral"
PAGE_LIMIT = "joint-statement-page-limit-25"
SLC = "second-live-conference"
ICF = "informal-conference-first"

DISCOVERY_KINDS = ("compel", "protective_order", "quash", "sanctions", "other_discovery")
KINDS = (*DISCOVERY_KINDS, "not_discovery")
RULE_NUMBERS = (*range(26, 38), 45)
RELIEF = ("compel", "protect", "quash", "sanctions", "expenses", "other")
MODES = ("in_person", "telephone", "video", "written")
ENUMS: dict[str, tuple[str, ...]] = {
    "kind": KINDS,
    "moving_party": ("plaintiff", "defendant", "non_party"),
    "served": ("none", "partial", "complete"),
    "at_filing": ("none", "partial", "complete"),
    "responses_to": ("request", "order", "initial_disclosures"),
    "time_shortened": ("granted", "denied"),
}
BASE_REQUIREMENTS = {
    "within_cutoff": "untimely_under_scheduling_order",
    "notice": "insufficient_notice",
    "conference": "no_conference",
    "joint_statement": "no_joint_statement",
    "joint_statement_signed": "joint_statement_not_joint",
    "joint_statement_contents": "joint_statement_contents_deficient",
    "joint_statement_single_document": "joint_statement_not_single_document",
    "joint_statement_timely": "joint_statement_late",
    "good_faith_effort": "no_good_faith_effort",
    "opponent_noncooperation": "opponent_cooperation_not_shown",
    "affidavit_contents": "affidavit_contents_deficient",
    "affidavit_timely": "affidavit_late",
}
OVERLAY_REQUIREMENTS = {
    ICF: ("informal_conference", "no_informal_conference"),
    PAGE_LIMIT: ("joint_statement_page_limit", "joint_statement_over_page_limit"),
    NWC: ("live_conference", "conference_not_live"),
    SLC: ("second_live_conference", "no_second_live_conference"),
}


SECTIONS = ("motion", "opponent", "schedule", "conference", "responses", "joint_statement",
            "affidavit", "response_to_exception_motion", "readings")
# the readings of what the stored texts leave open (assumptions.lp), case inputs readings.*
READINGS = ("exception_lifts_conference", "notice_runs_from_filing", "rule45_in_scope",
            "concurrent_statement_timely", "ex_parte_application_outside_rule")
# 251(a) notice periods and what the rule does when each of the requirements is unmet
# (consequences.lp requirement_force/3: only a bar or a court order blocks the hearing; an
# overlay's requirement, whose force it does not declare, is a bar)
NOTICE_PERIODS = ("hearing_notice", "hearing_notice_concurrent", "hearing_notice_exception")
NOT_BARRING = frozenset({"notice", "joint_statement_timely", "affidavit_timely"})


class ReferenceError(ValueError):
    """A case the reference cannot decide (no version in force, contradictory facts)."""


# --- FRCP 6(a) day counting -------------------------------------------------------------

# The years the holiday calendar covers, and the dates a case may give (a year less at each
# end): a day count alone is judged over every anchor in them.
COVERED = (1777, 2100)
FIRST_DAY, LAST_DAY = date(1778, 1, 1), date(2099, 12, 31)


@functools.lru_cache(maxsize=512)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("US", years=year))


def court_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _holidays(d.year)


@functools.lru_cache(maxsize=1 << 14)
def last_day(anchor: date, days: int, court_days: bool, after: bool) -> date:
    """FRCP 6(a): exclude the anchor day; count calendar days (a last day on a weekend or
    holiday moves on, in the direction of counting, to a court day) or court days. A fixed
    date (0 days: a cutoff, "concurrently") is the anchor itself and does not move."""
    if days == 0:
        return anchor
    step = timedelta(days=1 if after else -1)
    if not court_days:
        d = anchor + days * step
        while not court_day(d):
            d += step
        return d
    d, left = anchor, days
    while left:
        d += step
        if court_day(d):
            left -= 1
    return d


@functools.cache
def _court_day_ordinals() -> tuple[int, ...]:
    first, last = date(COVERED[0], 1, 1).toordinal(), date(COVERED[1], 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if court_day(date.fromordinal(o)))


@functools.cache
def _longest_roll() -> int:
    """The longest run of days that are not court days in the covered years: the most days a
    last day counted in calendar days can move."""
    days = _court_day_ordinals()
    return max(b - a for a, b in itertools.pairwise(days)) - 1


@functools.cache
def count_bounds(days: int, court_days: bool) -> tuple[int, int]:
    """A day count alone (neither date known): below the first number the deadline is missed
    wherever the anchor falls, at or above the second it is met; in between the answer
    depends on where weekends and holidays fall."""
    if days == 0:
        return 0, 0
    if not court_days:
        return days, days + _longest_roll()
    ordinals = _court_day_ordinals()
    # from an anchor the n-th court day away lies at least (the shortest n - 1 steps between
    # court days) + 1 and at most (the longest n steps) calendar days off
    fewest = min(ordinals[i + days - 1] - ordinals[i] for i in range(len(ordinals) - days + 1))
    most = max(ordinals[i + days] - ordinals[i] for i in range(len(ordinals) - days))
    return fewest + 1, most


@dataclass(frozen=True)
class Deadline:
    event: tuple[str, str]
    anchor: tuple[str, str]
    after: bool
    days: int
    court_days: bool = False
    interval: tuple[str, str] | None = None


@functools.cache
def deadlines(version: str) -> dict[str, Deadline]:
    """251(a), 251(e), FRCP 6(d) and the scheduling order's cutoffs, as the version has them."""
    statement = {V37: (3, True), V251: (7, False), V14: (14, False)}[version]
    exception_response = (7, version == V37)  # 37-251: pre-2009 FRCP 6(a), court days
    hearing, filed = ("motion", "hearing_on"), ("motion", "filed_on")
    notice_days = ("motion", "notice_days")
    return {
        "hearing_notice": Deadline(hearing, filed, True, 21, interval=notice_days),
        "hearing_notice_mail": Deadline(hearing, filed, True, 24, interval=notice_days),
        "hearing_notice_concurrent": Deadline(hearing, filed, True, 7, interval=notice_days),
        "hearing_notice_exception": Deadline(hearing, filed, True, 14, interval=notice_days),
        "statement_with_motion": Deadline(("joint_statement", "filed_on"), filed, False, 0),
        "joint_statement_due": Deadline(
            ("joint_statement", "filed_on"), hearing, False, statement[0], statement[1],
            interval=("joint_statement", "days_before_hearing"),
        ),
        "affidavit_due": Deadline(
            ("affidavit", "filed_on"), hearing, False, statement[0], statement[1]
        ),
        "exception_response_due": Deadline(
            ("response_to_exception_motion", "filed_on"), hearing, False, *exception_response
        ),
        "motion_cutoff": Deadline(filed, ("schedule", "motion_cutoff"), False, 0),
        "hearing_cutoff": Deadline(hearing, ("schedule", "motion_cutoff"), False, 0),
        "hearing_discovery_cutoff": Deadline(hearing, ("schedule", "discovery_cutoff"), False, 0),
    }


def _timely(dl: Deadline, get: Callable[[str, str], Any]) -> bool | None:
    """Met, missed (True, False) or not known (None). By the dates where there are any: a
    day count with one of the two dates implies the other; a count alone decides only when
    no weekend or holiday could change the answer."""
    anchor, event = _date(get(*dl.anchor)), _date(get(*dl.event))
    interval = get(*dl.interval) if dl.interval else None
    count = interval if isinstance(interval, int) and not isinstance(interval, bool) else None
    if anchor is None and event is not None and count is not None:
        implied = event + timedelta(days=-count if dl.after else count)
        if FIRST_DAY <= implied <= LAST_DAY:
            anchor = implied
    if anchor is not None:
        due = last_day(anchor, dl.days, dl.court_days, dl.after)
        if event is not None:
            return event >= due if dl.after else event <= due
        if count is not None:  # the event the count implies, as days from the anchor
            return count >= abs((due - anchor).days)
        return None
    if count is not None:
        least, most = count_bounds(dl.days, dl.court_days)
        if count < least:
            return False
        if count >= most:
            return True
    return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):  # a mapping read from YAML has dates already
        return value
    return date.fromisoformat(value) if isinstance(value, str) else None


# --- the case's facts ---------------------------------------------------------------------


@dataclass
class Facts:
    """Every input fact of the rule: True, False, or None (unknown)."""

    version: str
    overlays: frozenset[str]
    values: dict[str, bool | None] = field(default_factory=dict)


def read_facts(case: Mapping[str, Any], today: date | None = None) -> Facts:
    sections: dict[str, Mapping[str, Any]] = {}
    for name in SECTIONS:
        value = case.get(name)
        sections[name] = value if isinstance(value, dict) else {}

    def section(name: str) -> Mapping[str, Any]:
        return sections[name]

    def get(sec: str, key: str) -> Any:
        return sections[sec].get(key)

    forced = case.get("rule_version")
    if forced is not None:
        version = forced
    else:
        as_of = _date(case.get("as_of")) or today or date.today()
        in_force = [v for start, v in VERSIONS if start <= as_of]
        if not in_force:
            raise ReferenceError(f"no version of the rule in force on {as_of}")
        version = in_force[0]
    overlays = frozenset(case.get("overlays") or ())
    f = Facts(version, overlays)
    val = f.values

    def boolean(name: str, sec: str, key: str) -> None:
        value = get(sec, key)
        val[name] = value if isinstance(value, bool) else None

    def enum(name: str, sec: str, key: str) -> None:
        value = get(sec, key)
        for option in ENUMS[name]:
            val[f"{name}({option})"] = None if value is None else value == option

    def members(name: str, sec: str, key: str, options: tuple[Any, ...],
                label: Callable[[Any], str] = str) -> list[Any] | None:
        value = get(sec, key)
        for option in options:
            val[f"{name}({option})"] = None if value is None else label(option) in value
        return None if value is None else list(value)

    def document(name: str, sec: str) -> None:
        filed = get(sec, "filed")
        val[name] = True if get(sec, "filed_on") is not None else filed

    enum("kind", "motion", "kind")
    rules = members("invokes", "motion", "rules", RULE_NUMBERS, lambda n: f"frcp-{n}")
    declared = {f"frcp-{n}" for n in RULE_NUMBERS}
    val["invokes(other)"] = None if rules is None else any(r not in declared for r in rules)
    members("relief", "motion", "relief", RELIEF)
    enum("moving_party", "motion", "moving_party")
    boolean("movant_pro_se", "motion", "movant_pro_se")
    boolean("movant_incarcerated", "motion", "movant_incarcerated")
    boolean("ex_parte", "motion", "ex_parte")
    boolean("filed_with_joint_statement", "motion", "filed_with_joint_statement")
    boolean("served_by_mail", "motion", "served_by_mail")
    enum("time_shortened", "motion", "time_shortened")

    def present(name: str, sec: str, key: str) -> None:  # given; null: stated absent
        body = section(sec)
        val[name] = True if body.get(key) is not None else False if key in body else None

    present("hearing_noticed", "motion", "hearing_on")
    boolean("opponent_pro_se", "opponent", "pro_se")
    boolean("opponent_contributed", "opponent", "contributed")
    boolean("opponent_incarcerated", "opponent", "incarcerated")
    boolean("opponent_identified", "opponent", "identified")
    present("discovery_cutoff_set", "schedule", "discovery_cutoff")
    boolean("hearing_by_discovery_cutoff", "schedule", "hearing_by_discovery_cutoff")
    boolean("motion_after_cutoff", "schedule", "motion_after_cutoff")
    boolean("lr251_waived", "schedule", "lr251_waived")
    boolean("conference_reimposed", "schedule", "conference_reimposed")
    boolean("conference_held", "conference", "held")
    boolean("conference_adequate", "conference", "adequate")
    boolean("conference_after_filing", "conference", "after_motion_filed")
    boolean("movant_effort", "conference", "movant_effort")
    boolean("opponent_refused", "conference", "opponent_refused")
    boolean("informal_conference_held", "conference", "informal_with_court")
    members("mode", "conference", "modes", MODES)
    enum("served", "responses", "served")
    enum("at_filing", "responses", "served_at_filing")
    enum("responses_to", "responses", "to")
    document("js_filed", "joint_statement")
    for key in ("compliant", "signed_by_all", "single_document"):
        boolean(f"js_{key}", "joint_statement", key)
    js_contains = section("joint_statement").get("contains") or {}
    for key in ("conference_details", "nature_of_action", "contentions", "items_in_full"):
        value = js_contains.get(key)
        val[f"js_contains({key})"] = value if isinstance(value, bool) else None
    for key in ("opponent_refused_to_sign", "refusal_good_cause", "separate_briefs_filed"):
        boolean(key, "joint_statement", key)
    document("affidavit_filed", "affidavit")
    aff_contains = section("affidavit").get("contains") or {}
    for key in ("efforts", "issues", "contentions", "items_in_full"):
        value = aff_contains.get(key)
        val[f"affidavit_contains({key})"] = value if isinstance(value, bool) else None
    document("exception_response_filed", "response_to_exception_motion")
    for reading in READINGS:
        boolean(f"reading({reading})", "readings", reading)
    for name, dl in deadlines(version).items():
        val[f"timely({name})"] = _timely(dl, get)
    if PAGE_LIMIT in overlays:
        pages = get("joint_statement", "pages")
        val["over(js_page_limit)"] = None if pages is None else pages > 25
    return f


# --- the rule -------------------------------------------------------------------------------


class _Open(Exception):
    """An unknown fact the evaluation needs: the driver branches on it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Force(Exception):
    """A presumption applies to an unknown fact not yet assigned: only completions in which it
    goes the presumed way are allowed (the driver assigns it so, instead of branching)."""

    def __init__(self, name: str, value: bool) -> None:
        super().__init__(name)
        self.name, self.value = name, value


class _Violated(Exception):
    """The completion contradicts a presumption: it is not one the rule allows."""


@dataclass
class Outcome:
    """What holds in one completion of the unknown facts."""

    governs: bool
    routes: frozenset[str]
    ready: bool
    req: dict[str, bool]
    met: dict[str, bool]
    excused: dict[str, bool]


def evaluate(f: Facts, assigned: Mapping[str, bool], defaults: bool = True) -> Outcome:
    """The rule on the known facts plus ``assigned`` values of unknown ones (raises _Open for
    an unknown fact it needs, _Violated when a presumption rules the completion out)."""
    values = f.values
    version, overlays = f.version, f.overlays

    def v(name: str) -> bool:
        value = values[name]
        if value is None:
            value = assigned.get(name)
            if value is None:
                raise _Open(name)
        return value

    def unknown(name: str) -> bool:
        return values[name] is None

    def stated(name: str, value: bool = True) -> bool:  # the case states it (so, as given)
        return values[name] is value

    def memo(fn: Callable[[], bool]) -> Callable[[], bool]:
        return functools.cache(fn)

    # scope.lp: a discovery motion under Rules 26 through 37, or 45 (not in the 37-251 text;
    # for the later texts on reading A-13)
    discovery_kind = any(v(f"kind({k})") for k in DISCOVERY_KINDS)
    other_covered = memo(lambda: any(v(f"invokes({n})") for n in range(26, 38)))
    covered_rule = discovery_kind and (
        other_covered()
        or (version != V37 and v("invokes(45)") and v("reading(rule45_in_scope)"))
    )
    # reading A-15: no one to confer with -- an ex parte application with no hearing noticed,
    # or no identified opponent (each as the case states it)
    no_one_to_confer_with = stated("opponent_identified", False) or (
        stated("ex_parte") and stated("hearing_noticed", False)
    )
    governs = discovery_kind and covered_rule and not (
        no_one_to_confer_with and v("reading(ex_parte_application_outside_rule)")
    )
    # scheduling order: an order that L.R. 251 does not apply displaces it; a re-imposed
    # conference is required on the waived path, nothing else
    displaced = governs and v("lr251_waived")
    active = governs and not displaced
    within_cutoff_found = stated("motion_after_cutoff", False)

    def after_cutoff() -> bool:
        if v("motion_after_cutoff"):
            return True
        if within_cutoff_found:
            return False
        if not v("timely(motion_cutoff)") or not v("timely(hearing_cutoff)"):
            return True
        return (stated("discovery_cutoff_set") and v("hearing_by_discovery_cutoff")
                and not v("timely(hearing_discovery_cutoff)"))

    # e_exceptions.lp: judged at filing; unknown what was served then, what is served
    # now decides "none"
    total_failure = sanctions_only = False
    if active:
        at_filing = "served(none)" if unknown("at_filing(none)") else "at_filing(none)"
        total_failure = v(at_filing)
        if not total_failure:
            seeks_sanctions = v("relief(sanctions)") or v("relief(expenses)")
            sanctions_only = seeks_sanctions and not any(
                v(f"relief({r})") for r in ("compel", "protect", "quash", "other")
            )
    excepted = total_failure or sanctions_only  # (only an active motion has an exception)
    refusal_stated = stated("opponent_refused_to_sign")
    js_filed = memo(lambda: v("js_filed"))
    # d_affidavit.lp: blocked only by a joint document (filed, signed by all, no refusal)
    route_affidavit = (
        active and not excepted and v("affidavit_filed")
        and not (js_filed() and v("js_signed_by_all") and not refusal_stated)
    )
    route_js = active and not excepted and not route_affidavit
    routes = {
        "not_governed": not governs,
        "waived": displaced,
        "joint_statement": route_js,
        "affidavit": route_affidavit,
        "exception_total_failure": active and total_failure,
        "exception_sanctions_only": active and sanctions_only,
    }
    # a_notice.lp: which notice period governs
    concurrent = memo(lambda: v("filed_with_joint_statement")
                      or (js_filed() and v("timely(statement_with_motion)")))
    on_js_concurrent = route_js and concurrent()
    period = {
        "hearing_notice": (route_js and (not on_js_concurrent or version == V37))
        or route_affidavit,
        "hearing_notice_concurrent": on_js_concurrent and version != V37,
        "hearing_notice_exception": active and excepted,
    }
    # FRCP 6(d) on reading A-6 switched off: three days more for a motion served by mail
    mail_days_added = memo(lambda: v("served_by_mail")
                           and not v("reading(notice_runs_from_filing)"))

    def notice_met() -> bool:
        if not v("hearing_noticed"):
            return False
        if period["hearing_notice"] and (
            v("timely(hearing_notice_mail)") if mail_days_added()
            else v("timely(hearing_notice)")
        ):
            return True
        for d in NOTICE_PERIODS[1:]:
            if period[d] and v(f"timely({d})"):
                return True
        # FRCP 6(c)(1)(C), L.R. 144(e): shortened time, granted
        return v("ex_parte") and v("time_shortened(granted)")

    def live() -> bool:
        return v("mode(in_person)") or v("mode(telephone)") or v("mode(video)")

    lifts_conference = memo(lambda: v("reading(exception_lifts_conference)"))
    excused = {
        "conference": active and excepted and lifts_conference(),
        "joint_statement": active and excepted,
    }
    on_js_filed = route_js and js_filed()
    req: dict[str, bool] = {
        "within_cutoff": discovery_kind,
        "notice": any(period.values()),
        "conference": route_js
        or (displaced and v("conference_reimposed"))
        or (active and excepted and not lifts_conference()),
        "joint_statement": route_js,
        "joint_statement_signed": on_js_filed,
        "joint_statement_contents": on_js_filed,
        "joint_statement_single_document": on_js_filed,
        "joint_statement_timely": on_js_filed,
        "good_faith_effort": route_affidavit,
        "opponent_noncooperation": route_affidavit,
        "affidavit_contents": route_affidavit,
        "affidavit_timely": route_affidavit,
    }
    met: dict[str, Callable[[], bool]] = {
        "within_cutoff": lambda: not after_cutoff(),
        "notice": notice_met,
        "conference": lambda: v("conference_held") and v("conference_adequate"),
        "joint_statement": js_filed,
        "joint_statement_signed": lambda: (
            v("js_signed_by_all") and v("opponent_contributed") and not refusal_stated
        ),
        "joint_statement_contents": lambda: all(
            v(f"js_contains({x})")
            for x in ("conference_details", "nature_of_action", "contentions", "items_in_full")
        ) and v("js_compliant"),
        "joint_statement_single_document": lambda: v("js_single_document"),
        # 251 as amended, reading A-14: a concurrent filing's statement is timely
        "joint_statement_timely": lambda: v("timely(joint_statement_due)") or (
            version == V14 and concurrent() and v("reading(concurrent_statement_timely)")
        ),
        "good_faith_effort": lambda: v("movant_effort"),
        "opponent_noncooperation": lambda: v("opponent_refused") or not v("opponent_contributed"),
        "affidavit_contents": lambda: v("affidavit_contains(efforts)")
        and v("affidavit_contains(issues)")
        and (version != V37 or v("affidavit_contains(contentions)")),
        "affidavit_timely": lambda: v("timely(affidavit_due)"),
    }
    # overlays/
    if ICF in overlays:
        req["informal_conference"] = active
        met["informal_conference"] = lambda: v("informal_conference_held")
    if PAGE_LIMIT in overlays:
        req["joint_statement_page_limit"] = on_js_filed
        met["joint_statement_page_limit"] = lambda: not v("over(js_page_limit)")
    if NWC in overlays:
        req["live_conference"] = req["conference"]
        met["live_conference"] = lambda: v("conference_held") and live()
    if SLC in overlays:
        req["second_live_conference"] = route_js
        met["second_live_conference"] = lambda: (
            v("conference_after_filing") and v("conference_adequate") and live()
        )
    # consequences.lp: a requirement that applies, is unmet and bars (bar, order) blocks it
    met_now = {q: met[q]() for q, applies in req.items() if applies}
    ready = all(ok for q, ok in met_now.items() if q not in NOT_BARRING)

    if defaults:
        _presumptions(f, v, unknown, stated, assigned, discovery_kind=discovery_kind,
                      other_covered=other_covered, governs=governs, active=active,
                      no_one_to_confer_with=no_one_to_confer_with, excepted=excepted,
                      js_filed=js_filed, route_js=route_js, concurrent=concurrent,
                      period=period, refusal_stated=refusal_stated)
    return Outcome(governs, frozenset(r for r, on in routes.items() if on), ready, req,
                   met_now, excused)


def _presumptions(f: Facts, v: Callable[[str], bool], unknown: Callable[[str], bool],
                  stated: Callable[..., bool], assigned: Mapping[str, bool], *,
                  discovery_kind: bool, other_covered: Callable[[], bool], governs: bool,
                  active: bool, no_one_to_confer_with: bool, excepted: bool,
                  js_filed: Callable[[], bool], route_js: bool,
                  concurrent: Callable[[], bool], period: Mapping[str, bool],
                  refusal_stated: bool) -> None:
    """assumptions.lp: a presumption about an unknown fact whose conditions hold rules out the
    completions in which the fact goes the other way. Those about how the rule is complied
    with hold only where it is active (governs, not displaced); those deciding scope and
    displacement, and the cutoffs (every discovery motion), are not so limited. Presumptions
    about facts no requirement reads (separate briefs, what was served at filing when not
    stated, the exception response's date) cannot change a conclusion and are left out."""

    def presume(fact: str, value: bool, *conditions: bool | Callable[[], bool]) -> None:
        if not unknown(fact):
            return
        for condition in conditions:
            if not (condition() if callable(condition) else condition):
                return
        current = assigned.get(fact)
        if current is None:
            raise _Force(fact, value)
        if current != value:
            raise _Violated(fact)

    def holds(name: str) -> Callable[[], bool]:
        return lambda: v(name)

    def not_holds(name: str) -> Callable[[], bool]:
        return lambda: not v(name)

    version, overlays = f.version, f.overlays
    # --- scope and displacement (not limited to an active rule)
    for kind, number in (("compel", 37), ("sanctions", 37), ("protective_order", 26),
                         ("quash", 45)):
        presume(f"invokes({number})", True, holds(f"kind({kind})"))
    for kind, relief in (("compel", "compel"), ("protective_order", "protect"),
                         ("quash", "quash"), ("sanctions", "sanctions")):
        presume(f"relief({relief})", True, holds(f"kind({kind})"))
    if version != V37:  # A-13, defeated by 37-251(b)
        presume("reading(rule45_in_scope)", True, holds("invokes(45)"), discovery_kind,
                lambda: not other_covered())
    presume("reading(ex_parte_application_outside_rule)", True, no_one_to_confer_with)
    for party, pro_se in (("movant_incarcerated", "movant_pro_se"),
                          ("opponent_incarcerated", "opponent_pro_se")):
        presume(pro_se, True, stated(party))

    def prisoner_case() -> bool:  # a party stated incarcerated, and pro se
        return (stated("movant_incarcerated") and v("movant_pro_se")) or (
            stated("opponent_incarcerated") and v("opponent_pro_se")
        )

    presume("lr251_waived", True, governs, prisoner_case)
    presume("lr251_waived", False, governs, lambda: not prisoner_case())
    presume("conference_reimposed", False, holds("lr251_waived"), governs)
    presume("motion_after_cutoff", False, discovery_kind)
    presume("timely(motion_cutoff)", True, discovery_kind)
    presume("timely(hearing_cutoff)", True, discovery_kind)
    discovery_cutoff = stated("discovery_cutoff_set")
    presume("timely(hearing_discovery_cutoff)", True, discovery_kind, discovery_cutoff)
    # ... of a motion that seeks discovery (relief other than sanctions), where it matters
    presume("hearing_by_discovery_cutoff", True, discovery_kind, discovery_cutoff,
            lambda: any(v(f"relief({r})") for r in ("compel", "protect", "quash", "other")),
            not_holds("timely(hearing_discovery_cutoff)"))
    if not active:
        return
    # --- compliance (where the rule is active)
    mail_short = (period["hearing_notice"], holds("served_by_mail"),
                  not_holds("timely(hearing_notice_mail)"))
    presume("reading(notice_runs_from_filing)", True, *mail_short)
    presume("served_by_mail", False, period["hearing_notice"],
            not_holds("timely(hearing_notice_mail)"))
    presume("reading(exception_lifts_conference)", True, excepted)
    if version == V14:
        presume("reading(concurrent_statement_timely)", True, route_js, concurrent,
                not_holds("timely(joint_statement_due)"))
    presume("conference_held", True, js_filed)
    presume("conference_adequate", True, holds("conference_held"))
    presume("js_signed_by_all", True, js_filed, not refusal_stated)
    presume("opponent_contributed", True, js_filed, not refusal_stated)
    neg_compliant = stated("js_compliant", False)
    for x in ("conference_details", "nature_of_action", "contentions", "items_in_full"):
        presume(f"js_contains({x})", True, js_filed, route_js, not neg_compliant)
    presume("js_compliant", True, js_filed, route_js)
    presume("js_single_document", True, js_filed, route_js)
    presume("timely(joint_statement_due)", True, js_filed)
    presume("timely(affidavit_due)", True, holds("affidavit_filed"))
    presume("hearing_noticed", True, not_holds("ex_parte"))
    for d in NOTICE_PERIODS:
        presume(f"timely({d})", True, holds("hearing_noticed"), period[d])
    presume("ex_parte", False)
    presume("filed_with_joint_statement", False, not_holds("timely(statement_with_motion)"))
    presume("timely(statement_with_motion)", False, js_filed)
    for x in ("efforts", "issues", "contentions", "items_in_full"):
        presume(f"affidavit_contains({x})", True, holds("affidavit_filed"))
    presume("served(none)", False)
    presume("affidavit_filed", False)
    for described in ("js_single_document", "js_signed_by_all", "opponent_contributed"):
        presume("js_filed", True, stated(described))
    if PAGE_LIMIT in overlays:
        presume("over(js_page_limit)", False, js_filed)
    if NWC in overlays:
        presume("mode(telephone)", True, holds("conference_held"),
                not_holds("mode(in_person)"), not_holds("mode(video)"))


# --- three-valued decision ------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The reference decision: the engine's fields of the same name."""

    governs: bool | None
    route: str | None
    ready_for_hearing: bool | None
    requirements: tuple[tuple[str, str], ...]  # (id, met | unmet | unknown | excused)
    defects: tuple[str, ...]
    completions: int  # completions evaluated (1 for a fully known case)

    def to_dict(self) -> dict[str, Any]:
        return {
            "governs": self.governs,
            "route": self.route,
            "ready_for_hearing": self.ready_for_hearing,
            "defects": list(self.defects),
        }


def _requirements(f: Facts) -> dict[str, str]:
    requirements = dict(BASE_REQUIREMENTS)
    for overlay, (qid, defect) in OVERLAY_REQUIREMENTS.items():
        if overlay in f.overlays:
            requirements[qid] = defect
    return dict(sorted(requirements.items()))


def _one(f: Facts, o: Outcome) -> Reference:
    routes = o.routes
    statuses: list[tuple[str, str]] = []
    defects: list[str] = []
    for qid, defect in _requirements(f).items():
        if o.excused.get(qid, False):
            statuses.append((qid, "excused"))
        elif o.req[qid]:
            if o.met[qid]:
                statuses.append((qid, "met"))
            else:
                statuses.append((qid, "unmet"))
                defects.append(defect)
    route = next(iter(routes)) if len(routes) == 1 else None
    return Reference(o.governs, route, o.ready, tuple(statuses), tuple(defects), 1)


def _branches(name: str) -> list[dict[str, bool]]:
    group = name.partition("(")[0]
    if group in ENUMS and name.endswith(")"):
        options = ENUMS[group]
        return [{f"{group}({o})": o == pick for o in options} for pick in options]
    return [{name: True}, {name: False}]


def _truth(values: list[bool]) -> bool | None:
    return True if all(values) else False if not any(values) else None


def decide(case: Mapping[str, Any], *, defaults: bool = True, today: date | None = None,
           max_completions: int = 1 << 16) -> Reference:
    f = read_facts(case, today)
    outcomes: list[Outcome] = []
    stack: list[dict[str, bool]] = [{}]
    evaluated = 0
    while stack:
        assigned = stack.pop()
        evaluated += 1
        if evaluated > max_completions:
            raise ReferenceError("too many unknown facts for the reference")
        try:
            outcomes.append(evaluate(f, assigned, defaults))
        except _Open as need:
            stack.extend({**assigned, **choice} for choice in _branches(need.name))
        except _Force as forced:
            stack.append({**assigned, forced.name: forced.value})
        except _Violated:
            pass
    if not outcomes:
        raise ReferenceError("the stated facts contradict each other under the rule")
    if len(outcomes) == 1:  # every fact that matters is known
        return _one(f, outcomes[0])
    governs = _truth([o.governs for o in outcomes])
    certain_routes = frozenset.intersection(*(o.routes for o in outcomes))
    route = next(iter(certain_routes)) if len(certain_routes) == 1 else None
    ready = _truth([o.ready for o in outcomes])
    requirements = _requirements(f)
    statuses: list[tuple[str, str]] = []
    defects: list[str] = []
    for qid in requirements:
        if _truth([o.excused.get(qid, False) for o in outcomes]):
            statuses.append((qid, "excused"))
            continue
        applies = _truth([o.req[qid] for o in outcomes])
        if applies is False:
            continue
        met = _truth([o.met[qid] for o in outcomes]) if applies else None
        status = "met" if met else "unmet" if met is False else "unknown"
        statuses.append((qid, status))
        if status == "unmet":
            defects.append(requirements[qid])
    return Reference(governs, route, ready, tuple(statuses), tuple(defects), evaluated)
