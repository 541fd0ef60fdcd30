"""Deadlines judged by dates wherever a date is known or implied (engine/deadlines.py), and a day
count alone deciding only where no FRCP 6(a) roll could change the answer.

Every date below was counted by hand under FRCP 6(a) and its weekday checked with
``date.strftime("%a")``. Holidays relied on (federal, from the ``holidays`` library): Veterans
Day Wed 2015-11-11; Veterans Day Sat 2017-11-11, observed Fri 2017-11-10; Memorial Day Mon
2015-05-25 and Mon 2008-05-26. Under the 251 version in force 2009-12-01 to 2023-11-14 the
joint statement is due 7 calendar days before the hearing, and the hearing noticed 21 calendar
days after filing; under L.R. 37-251 (2008) the statement is due 3 court days before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from rulepath.engine import calendar
from rulepath.engine.api import program_for_case
from rulepath.engine.casefile import Case, case_from_mapping
from rulepath.engine.deadlines import (
    MAX_ROLL,
    Measured,
    court_day_span,
    due_date,
    implied_anchor,
    judge,
    measure,
    status_by_interval,
)
from rulepath.engine.facts import FactPlan, case_facts
from rulepath.engine.program import DeadlineDecl

D = date.fromisoformat
AS_OF_7_DAYS = "2017-12-01"  # the 7-day joint statement, the 21-day notice
AS_OF_COURT_DAYS = "2008-07-01"  # L.R. 37-251: 3 court days


def make(as_of: str, motion: dict[str, Any], js: dict[str, Any]) -> Case:
    return case_from_mapping(
        {"format": "rulepath/case-1", "as_of": as_of, "motion": motion, "joint_statement": js}
    )


def measured(case: Case, did: str) -> Measured:
    """The deadline measured both ways, checked to agree (the fact plan's fast path and
    deadlines.measure), and the case's facts carrying the same."""
    program = program_for_case(case)
    slow = {d: measure(decl, case) for d, decl in program.deadlines.items()}
    fast = FactPlan(program).measure(case)
    assert fast == slow
    assert case_facts(program, case).deadlines == slow
    return slow[did]


def check(case: Case, did: str, due: str | None, status: str) -> None:
    m = measured(case, did)
    assert (m.date, m.status) == (D(due) if due else None, status)


def replace(case: Case, section: str, **fields: Any) -> Case:
    """The case with fields of one section replaced, unvalidated: how a case whose day count
    disagrees with its dates (which the loader refuses) is built."""
    part = getattr(case, section).model_copy(update=fields)
    return case.model_copy(update={section: part})


# --- the Veterans Day joint statement ------------------------------------------------------
# Heard Wed 2015-11-18: 7 days back is Wed 2015-11-11, Veterans Day, so the statement is due
# Tue 2015-11-10. A statement filed 7 days before the hearing is late.


def test_veterans_day_by_both_dates() -> None:
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"filed_on": "2015-11-11"})
    check(case, "joint_statement_due", "2015-11-10", "missed")
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"filed_on": "2015-11-10"})
    check(case, "joint_statement_due", "2015-11-10", "met")


def test_veterans_day_hearing_and_count_imply_the_filing_date() -> None:
    # 7 days before Wed 2015-11-18 is the holiday itself: missed (the count alone said met)
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"days_before_hearing": 7})
    check(case, "joint_statement_due", "2015-11-10", "missed")
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"days_before_hearing": 8})
    check(case, "joint_statement_due", "2015-11-10", "met")


def test_veterans_day_filing_and_count_imply_the_hearing_date() -> None:
    # filed Wed 2015-11-11, 7 days before the hearing: heard Wed 2015-11-18, due Tue 11-10
    case = make(AS_OF_7_DAYS, {}, {"filed_on": "2015-11-11", "days_before_hearing": 7})
    check(case, "joint_statement_due", "2015-11-10", "missed")
    # filed Tue 2015-11-10, 8 days before: heard Wed 2015-11-18 again, in time
    case = make(AS_OF_7_DAYS, {}, {"filed_on": "2015-11-10", "days_before_hearing": 8})
    check(case, "joint_statement_due", "2015-11-10", "met")
    # filed Tue 2015-11-10, 7 days before: heard Tue 2015-11-17, 7 days back a court day
    case = make(AS_OF_7_DAYS, {}, {"filed_on": "2015-11-10", "days_before_hearing": 7})
    check(case, "joint_statement_due", "2015-11-10", "met")


def test_veterans_day_count_alone_is_unknown() -> None:
    case = make(AS_OF_7_DAYS, {}, {"days_before_hearing": 7})
    check(case, "joint_statement_due", None, "unknown")


# --- the seventh day back a Saturday --------------------------------------------------------
# Heard Sat 2017-11-18 (a Saturday only so that 7 days back is one): 7 days back is Sat
# 2017-11-11, Veterans Day, observed Fri 2017-11-10, so the statement rolls back two days to
# Thu 2017-11-09. Heard Sat 2015-06-13: 7 days back is Sat 2015-06-06, due Fri 2015-06-05.


@pytest.mark.parametrize(
    ("hearing", "days", "filed", "status"),
    [
        ("2017-11-18", 7, "2017-11-11", "missed"),
        ("2017-11-18", 8, "2017-11-10", "missed"),
        ("2017-11-18", 9, "2017-11-09", "met"),
        ("2015-06-13", 7, "2015-06-06", "missed"),
        ("2015-06-13", 8, "2015-06-05", "met"),
    ],
)
def test_seventh_day_back_a_saturday(hearing: str, days: int, filed: str, status: str) -> None:
    due = "2017-11-09" if hearing.startswith("2017") else "2015-06-05"
    # implied filing date: hearing known, the count
    case = make(AS_OF_7_DAYS, {"hearing_on": hearing}, {"days_before_hearing": days})
    check(case, "joint_statement_due", due, status)
    # implied hearing date: filing known, the count
    case = make(AS_OF_7_DAYS, {}, {"filed_on": filed, "days_before_hearing": days})
    check(case, "joint_statement_due", due, status)
    # both dates, with the count that agrees with them
    case = make(
        AS_OF_7_DAYS, {"hearing_on": hearing}, {"filed_on": filed, "days_before_hearing": days}
    )
    check(case, "joint_statement_due", due, status)


# --- the 21-day notice, measured after the filing -------------------------------------------


@pytest.mark.parametrize(
    ("motion", "due", "status"),
    [
        # filed Wed 2015-10-21: day 21 is Wed 2015-11-11, Veterans Day, runs to Thu 11-12
        ({"filed_on": "2015-10-21", "notice_days": 21}, "2015-11-12", "missed"),
        ({"filed_on": "2015-10-21", "notice_days": 22}, "2015-11-12", "met"),
        # filed Sat 2015-10-24: day 21 is Sat 2015-11-14, runs to Mon 11-16
        ({"filed_on": "2015-10-24", "notice_days": 22}, "2015-11-16", "missed"),
        ({"filed_on": "2015-10-24", "notice_days": 23}, "2015-11-16", "met"),
        # filed Thu 2015-10-22: day 21 is Thu 2015-11-12, a court day
        ({"filed_on": "2015-10-22", "notice_days": 21}, "2015-11-12", "met"),
        ({"filed_on": "2015-10-22", "notice_days": 20}, "2015-11-12", "missed"),
        # the hearing and the count imply the filing: heard Wed 2015-11-11 on 21 days' notice
        # was filed Wed 10-21 (due Thu 11-12); heard Mon 11-16 on 23 days', filed Sat 10-24
        ({"hearing_on": "2015-11-11", "notice_days": 21}, "2015-11-12", "missed"),
        ({"hearing_on": "2015-11-16", "notice_days": 23}, "2015-11-16", "met"),
        ({"hearing_on": "2015-11-12", "notice_days": 21}, "2015-11-12", "met"),
    ],
)
def test_notice_by_implied_dates(motion: dict[str, Any], due: str, status: str) -> None:
    check(make(AS_OF_7_DAYS, motion, {}), "hearing_notice", due, status)


# --- dates win over a count that disagrees with them ----------------------------------------


def test_dates_override_a_disagreeing_count() -> None:
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"filed_on": "2015-11-10"})
    # met by the dates; a count of 3 alone would miss, of 30 would meet
    check(
        replace(case, "joint_statement", days_before_hearing=3),
        "joint_statement_due",
        "2015-11-10",
        "met",
    )
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-11-18"}, {"filed_on": "2015-11-11"})
    check(
        replace(case, "joint_statement", days_before_hearing=30),
        "joint_statement_due",
        "2015-11-10",
        "missed",
    )
    case = make(AS_OF_7_DAYS, {"filed_on": "2015-10-21", "hearing_on": "2015-11-11"}, {})
    check(replace(case, "motion", notice_days=40), "hearing_notice", "2015-11-12", "missed")


def test_judge_prefers_dates() -> None:
    program = program_for_case(make(AS_OF_7_DAYS, {}, {}))
    decl = program.deadlines["joint_statement_due"]
    hearing = D("2015-11-18")
    due = due_date(decl, hearing)
    assert due == D("2015-11-10")
    assert judge(decl, hearing, due, D("2015-11-11"), 30) == "missed"
    assert judge(decl, hearing, due, D("2015-11-10"), 0) == "met"
    assert judge(decl, hearing, due, None, 7) == "missed"  # the implied Wed 11-11
    assert judge(decl, hearing, due, None, 8) == "met"
    assert judge(decl, hearing, due, None, None) == "unknown"
    assert judge(decl, hearing, due, None, True) == "unknown"  # a bool is not a count
    assert judge(decl, None, None, None, 7) == "unknown"
    assert judge(decl, None, None, D("2015-11-11"), None) == "unknown"
    assert implied_anchor(decl, D("2015-11-11"), 7) == hearing
    notice = program.deadlines["hearing_notice"]
    assert implied_anchor(notice, D("2015-11-11"), 21) == D("2015-10-21")


# --- a count alone: met or missed only where no roll could change it ------------------------


def test_the_longest_roll_is_three_days() -> None:
    """MAX_ROLL is the calendar's longest run of days that are not court days, over every
    covered year: a Friday holiday and the weekend, or the weekend and a Monday holiday."""
    first = date(calendar.FIRST_DAY.year - 1, 1, 1)
    last = date(calendar.LAST_DAY.year + 1, 12, 31)
    runs: dict[tuple[int, str], int] = {}
    run = 0
    day = first
    while day <= last:
        if calendar.is_court_day(day):
            if run >= 3:
                start = (day - timedelta(days=run)).strftime("%a")
                runs[(run, start)] = runs.get((run, start), 0) + 1
            run = 0
        else:
            run += 1
        day += timedelta(days=1)
    assert max(length for length, _ in runs) == MAX_ROLL == 3
    assert set(runs) == {(3, "Fri"), (3, "Sat")}
    # the same figure as the court-day spans: one court day is at most 1 + MAX_ROLL days away
    assert court_day_span(1) == (1, 1 + MAX_ROLL)
    # both kinds of run: Fri 2015-07-03 (July 4 observed) to Sun; Sat 2015-05-23 to Memorial Day
    assert calendar.count(D("2015-07-02"), 1, "calendar_days", "after") == D("2015-07-06")
    assert calendar.count(D("2015-05-26"), 1, "calendar_days", "before") == D("2015-05-22")


@pytest.mark.parametrize(
    ("days", "status"),
    [(-1, "missed"), (6, "missed"), (7, "unknown"), (9, "unknown"), (10, "met"), (40, "met")],
)
def test_statement_count_alone_calendar_days(days: int, status: str) -> None:
    # 7 calendar days, rolled back at most 3: the filing must lie 7 to 10 days back
    check(
        make(AS_OF_7_DAYS, {}, {"days_before_hearing": days}), "joint_statement_due", None, status
    )


def test_nine_days_can_miss_so_nine_alone_is_unknown() -> None:
    # heard Mon 2015-06-01: 7 days back is Memorial Day, due Fri 2015-05-22, 10 days back
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-06-01"}, {"days_before_hearing": 9})
    check(case, "joint_statement_due", "2015-05-22", "missed")
    case = make(AS_OF_7_DAYS, {"hearing_on": "2015-06-01"}, {"days_before_hearing": 10})
    check(case, "joint_statement_due", "2015-05-22", "met")


@pytest.mark.parametrize(
    ("days", "status"), [(20, "missed"), (21, "unknown"), (23, "unknown"), (24, "met")]
)
def test_notice_count_alone_calendar_days(days: int, status: str) -> None:
    check(make(AS_OF_7_DAYS, {"notice_days": days}, {}), "hearing_notice", None, status)


@pytest.mark.parametrize(
    ("days", "status"), [(2, "missed"), (3, "unknown"), (5, "unknown"), (6, "met"), (7, "met")]
)
def test_statement_count_alone_court_days(days: int, status: str) -> None:
    # 3 court days before the hearing span 3 to 6 calendar days
    case = make(AS_OF_COURT_DAYS, {}, {"days_before_hearing": days})
    check(case, "joint_statement_due", None, status)


def test_three_court_days_can_span_six_calendar_days() -> None:
    # heard Tue 2008-05-27, after Memorial Day: Fri 23, Thu 22, Wed 21 are the 3 court days
    case = make(AS_OF_COURT_DAYS, {"hearing_on": "2008-05-27"}, {"days_before_hearing": 5})
    check(case, "joint_statement_due", "2008-05-21", "missed")
    case = make(AS_OF_COURT_DAYS, {"hearing_on": "2008-05-27"}, {"days_before_hearing": 6})
    check(case, "joint_statement_due", "2008-05-21", "met")
    # heard Thu 2008-06-12: Wed, Tue, Mon are the 3 court days, due Mon 2008-06-09
    case = make(AS_OF_COURT_DAYS, {}, {"filed_on": "2008-06-09", "days_before_hearing": 3})
    check(case, "joint_statement_due", "2008-06-09", "met")


def test_court_day_spans_are_exact() -> None:
    """court_day_span(n) is the fewest and most calendar days calendar.count's n court days
    take, from anchors of three decades (the extremes recur every few years)."""
    anchors = [date(2000, 1, 1) + timedelta(days=i) for i in range(366 * 30)]
    for n in (1, 3, 5, 7):
        for direction in ("after", "before"):
            spans = {abs((calendar.count(a, n, "court_days", direction) - a).days) for a in anchors}
            assert (min(spans), max(spans)) == court_day_span(n), (n, direction)
    # five court days from Thu 2021-12-23 skip Christmas observed Fri 12-24 and New Year's
    # observed Fri 12-31: Mon 2022-01-03, 11 days on (a week's margin is not enough)
    assert court_day_span(5) == (5, 11)
    assert calendar.count(D("2021-12-23"), 5, "court_days", "after") == D("2022-01-03")
    # six court days always cross a weekend: never fewer than 8 days
    assert court_day_span(6) == (8, 12)


def _decl(days: int, unit: Any, direction: Any, rolls_forward: bool) -> DeadlineDecl:
    return DeadlineDecl(
        "d", "e.on", "a.on", direction, days, unit, "c", "c", "e.days", rolls_forward
    )


@pytest.mark.parametrize(
    ("decl", "statuses"),
    [
        # 0 days before a day that rolls forward (a scheduling-order cutoff): on or before it
        # is met wherever it falls; up to 3 days after may be within a cutoff rolled past a
        # weekend and a holiday
        (_decl(0, "calendar_days", "before", True), {-4: "missed", -3: "unknown", 0: "met"}),
        # 0 days after, rolling forward: the first permissible day may be up to 3 days on
        (_decl(0, "calendar_days", "after", True), {-1: "missed", 0: "unknown", 3: "met"}),
        # 0 days, no roll: the day itself
        (_decl(0, "calendar_days", "before", False), {-1: "missed", 0: "met", 1: "met"}),
        # days > 0: the count ends on a court day already, so rolling forward changes nothing
        (_decl(7, "calendar_days", "after", True), {6: "missed", 7: "unknown", 10: "met"}),
        (_decl(1, "calendar_days", "after", False), {0: "missed", 1: "unknown", 4: "met"}),
        # 5 court days span 5 to 11 calendar days; 7 court days 9 to 13
        (_decl(5, "court_days", "before", False), {4: "missed", 10: "unknown", 11: "met"}),
        (_decl(7, "court_days", "after", False), {8: "missed", 9: "unknown", 13: "met"}),
    ],
)
def test_bands_without_a_case(decl: DeadlineDecl, statuses: dict[int, str]) -> None:
    assert {n: status_by_interval(decl, n) for n in statuses} == statuses


# --- an implied date outside the calendar: the count alone judges ---------------------------


def test_implied_anchor_outside_the_calendar() -> None:
    # filed 2099-12-30 and 5 or 16 days before the hearing: a hearing in 2100, past the dates a
    # case may give (the amended rule, 14 days, is in force)
    for days, status in ((5, "missed"), (16, "unknown"), (17, "met")):
        case = make("2099-12-31", {}, {"filed_on": "2099-12-30", "days_before_hearing": days})
        check(case, "joint_statement_due", None, status)


# --- the fact plan agrees with deadlines.measure --------------------------------------------


def test_fact_plan_agrees_on_every_mix_of_dates_and_counts() -> None:
    """Each of the two dates and the count known or not, on random days (the count made to
    disagree with the dates half the time): the fast path measures as deadlines.measure."""
    rng = random.Random(7)
    base = make(AS_OF_7_DAYS, {}, {})
    program = program_for_case(base)
    plan = FactPlan(program)
    for _ in range(600):
        hearing = D("2015-01-01") + timedelta(days=rng.randrange(800))
        filed = hearing - timedelta(days=rng.randrange(-3, 30))
        notice_filed = hearing - timedelta(days=rng.randrange(10, 30))
        js_days = (hearing - filed).days + (rng.randrange(-3, 4) if rng.random() < 0.5 else 0)
        notice = (hearing - notice_filed).days + rng.choice((0, 0, -2, 2))
        pick = rng.random
        case = replace(
            base,
            "motion",
            hearing_on=hearing if pick() < 0.5 else None,
            filed_on=notice_filed if pick() < 0.5 else None,
            notice_days=notice if pick() < 0.5 else None,
        )
        case = replace(
            case,
            "joint_statement",
            filed_on=filed if pick() < 0.5 else None,
            days_before_hearing=js_days if pick() < 0.5 else None,
        )
        assert plan.measure(case) == {
            d: measure(decl, case) for d, decl in program.deadlines.items()
        }
