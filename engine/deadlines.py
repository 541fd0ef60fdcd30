"""Measure the deadlines a rule pack declares against a case's dates (FRCP 6 counting).

The pack says which deadlines exist, how many days, in which unit and direction; this module
only counts (through :mod:`calendar`) and compares. Which deadlines apply, and what missing
one means, is decided by the logic.

A deadline is judged by dates wherever a date is known or implied: the event's date against
the due date counted from the anchor's. A declared day count between anchor and event implies
the missing one of the two dates (event = anchor +/- count, or anchor = event -/+ count). A
count alone, with neither date, cannot say where the last day falls, so whether FRCP 6(a)
rolls it past a weekend or holiday; it decides the deadline only when no roll could change
the answer, and leaves it ``unknown`` otherwise.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from operator import sub
from typing import Literal, TypeGuard

from . import calendar
from .casefile import Case
from .paths import resolve
from .program import DeadlineDecl

Status = Literal["met", "missed", "unknown"]

# The longest run of consecutive days that are not court days (calendar.is_court_day), so the
# most days FRCP 6(a)(1)(C) or 6(a)(5) can roll a last day, forward or backward: 3.
# A run is a Saturday and Sunday, extended only by a legal holiday on the Friday before or the
# Monday after (a holiday on a Saturday is observed the Friday before, one on a Sunday the
# Monday after, and both days count, see calendar.is_legal_holiday); a weekday holiday away
# from a weekend is a run of 1. A run of 4 would need holidays on two consecutive court days
# at a weekend (Thursday and Friday, Friday and the Monday after, Monday and Tuesday), and the
# calendar has none: its holidays that fall on weekdays, actual or observed, are all at least
# seven days apart (the closest: Christmas and New Year's Day), and the day after Thanksgiving
# is not one (only a California court holiday, which the calendar leaves out). So the longest
# runs are a Friday holiday and the weekend, or the weekend and a Monday holiday.
# Checked over every day of the covered years 1777-2100 (tests/test_deadline_dates.py); with
# holidays 0.109 there are 976 runs Saturday to Monday, 249 Friday to Sunday, none longer.
MAX_ROLL = 3


@dataclass(frozen=True)
class Measured:
    """One declared deadline measured on one case."""

    decl: DeadlineDecl
    # the last (or first) permissible day, when the anchor date is known, or implied by the
    # event date and the day count
    date: date | None
    status: Status

    @property
    def timely(self) -> bool | None:
        return None if self.status == "unknown" else self.status == "met"


def is_count(value: object) -> TypeGuard[int]:
    """A day count as a case gives one (an int, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


@functools.cache
def _court_days() -> tuple[int, ...]:
    """The ordinals of the court days of every year the calendar covers."""
    first = date(calendar.FIRST_DAY.year - 1, 1, 1).toordinal()
    last = date(calendar.LAST_DAY.year + 1, 12, 31).toordinal()
    day = date.fromordinal
    return tuple(o for o in range(first, last + 1) if calendar.is_court_day(day(o)))


@functools.cache
def court_day_span(n: int) -> tuple[int, int]:
    """The fewest and the most calendar days from an anchor to the ``n``-th court day after
    (or before) it, over every anchor of the covered years.

    From an anchor just before a court day the n court days run n - 1 court-day steps plus
    one day; from an anchor on a court day they run n steps: so the fewest is the shortest
    n - 1 steps + 1 and the most the longest n steps of the court-day sequence (the same read
    backward). The windows are those of the covered years, a year wider at each end than the
    anchors a case may give, so neither bound is ever short of the truth; the extremes recur
    every few years (weekends and the year-end holidays), well inside the range, so both are
    attained too. Computed once per ``n`` (~0.2 s for the first, scanning ~118,000 days).
    """
    days = _court_days()
    if not 1 <= n < len(days):
        raise ValueError(f"{n} court days do not fit in the calendar's covered years")
    return min(map(sub, days[n - 1 :], days)) + 1, max(map(sub, days[n:], days))


@functools.cache
def _count_bounds(days: int, unit: str, direction: str, rolls_forward: bool) -> tuple[int, int]:
    """The least and the most calendar days an event must lie from its anchor, in the
    deadline's direction, to meet it, over every anchor the calendar covers: a count below
    the least misses whatever the dates, a count at or above the most meets."""
    if days == 0:
        # calendar.count returns the anchor itself, unrolled; a deadline that rolls forward
        # then runs on up to MAX_ROLL days (forward: later for "after", laxer for "before").
        if not rolls_forward:
            return 0, 0
        return (0, MAX_ROLL) if direction == "after" else (-MAX_ROLL, 0)
    # days > 0: calendar.count already ends on a court day, so rolls_forward changes nothing.
    if unit == "calendar_days":
        # the last day is days away, then rolls by 0 (a court day) up to MAX_ROLL days
        return days, days + MAX_ROLL
    return court_day_span(days)


def status_by_interval(decl: DeadlineDecl, interval: int) -> Status:
    """Judge a deadline from a known day count between anchor and event, with neither date
    known: met or missed only when it is so wherever the last day falls, else unknown."""
    least, most = _count_bounds(decl.days, decl.unit, decl.direction, decl.rolls_forward)
    if interval < least:
        return "missed"
    if interval >= most:
        return "met"
    return "unknown"


def due_date(decl: DeadlineDecl, anchor: date) -> date:
    """The last (or first) permissible day of a deadline counted from its anchor date."""
    due = calendar.count(anchor, decl.days, decl.unit, decl.direction)
    if decl.rolls_forward:
        while not calendar.is_court_day(due):
            due += timedelta(days=1)
    return due


_FIRST = calendar.FIRST_DAY.toordinal()
_LAST = calendar.LAST_DAY.toordinal()


def implied_anchor(decl: DeadlineDecl, event: date, interval: int) -> date | None:
    """The anchor date an event date and a day count imply (event -/+ count), or None when it
    would fall outside the dates a case may give (the count alone then judges)."""
    day = event.toordinal() + (interval if decl.direction == "before" else -interval)
    return date.fromordinal(day) if _FIRST <= day <= _LAST else None


def judge(
    decl: DeadlineDecl, anchor: date | None, due: date | None, event: object, interval: object
) -> Status:
    """Met, missed or unknown. ``due`` is ``due_date(decl, anchor)`` when ``anchor`` is a
    date, given or implied (:func:`implied_anchor`), else None.

    By dates when there are any: the event's date against the due date (a count is then
    ignored); with no event date, the event date the count implies (anchor +/- count). With
    neither date, by the count alone (:func:`status_by_interval`)."""
    if due is not None and anchor is not None:
        if isinstance(event, date):
            ok = event >= due if decl.direction == "after" else event <= due
            return "met" if ok else "missed"
        if is_count(interval):
            # the implied event, anchor +/- interval, against the due date: both as days from
            # the anchor, so no date is built (an implied event may lie outside the calendar)
            need = (due - anchor).days if decl.direction == "after" else (anchor - due).days
            return "met" if interval >= need else "missed"
        return "unknown"
    if is_count(interval):
        return status_by_interval(decl, interval)
    return "unknown"


def measure(decl: DeadlineDecl, case: Case) -> Measured:
    """One deadline on one case (the fact plan measures all of a program's at once)."""
    anchor = resolve(case, decl.anchor)
    event = resolve(case, decl.event)
    interval = resolve(case, decl.interval) if decl.interval is not None else None
    if not isinstance(anchor, date):
        anchor = None
        if isinstance(event, date) and is_count(interval):
            anchor = implied_anchor(decl, event, interval)
    due = due_date(decl, anchor) if anchor is not None else None
    return Measured(decl, due, judge(decl, anchor, due, event, interval))
