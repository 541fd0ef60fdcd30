"""Measure the deadlines a rule pack declares against a case's dates (FRCP 6 counting).

The pack says which deadlines exist, how many days, in which unit and direction; this module
only counts (through :mod:`calendar`) and compares. Which deadlines apply, and what missing
one means, is decided by the logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from . import calendar
from .casefile import Case
from .paths import resolve
from .program import DeadlineDecl

Status = Literal["met", "missed", "unknown"]


@dataclass(frozen=True)
class Measured:
    """One declared deadline measured on one case."""

    decl: DeadlineDecl
    date: date | None  # the last (or first) permissible day, when the anchor date is known
    status: Status

    @property
    def timely(self) -> bool | None:
        return None if self.status == "unknown" else self.status == "met"


def status_by_interval(decl: DeadlineDecl, interval: int) -> Status:
    """Judge a deadline from a known day count between anchor and event."""
    if decl.unit == "calendar_days":
        return "met" if interval >= decl.days else "missed"
    # Court days cannot be read off a bare day count, except at the extremes: fewer calendar
    # days than court days always misses; a full week more always holds enough court days.
    if interval < decl.days:
        return "missed"
    if interval >= decl.days + 4:
        return "met"
    return "unknown"


def due_date(decl: DeadlineDecl, anchor: date) -> date:
    """The last (or first) permissible day of a deadline counted from its anchor date."""
    due = calendar.count(anchor, decl.days, decl.unit, decl.direction)
    if decl.rolls_forward:
        while not calendar.is_court_day(due):
            due += timedelta(days=1)
    return due


def judge(decl: DeadlineDecl, due: date | None, event: object, interval: object) -> Status:
    """Met, missed or unknown: by the event's date against the due date, else by a known day
    count between anchor and event."""
    if due is not None and isinstance(event, date):
        ok = event >= due if decl.direction == "after" else event <= due
        return "met" if ok else "missed"
    if isinstance(interval, int) and not isinstance(interval, bool):
        return status_by_interval(decl, interval)
    return "unknown"


def measure(decl: DeadlineDecl, case: Case) -> Measured:
    """One deadline on one case (the fact plan measures all of a program's at once)."""
    anchor = resolve(case, decl.anchor)
    due = due_date(decl, anchor) if isinstance(anchor, date) else None
    event = resolve(case, decl.event)
    interval = resolve(case, decl.interval) if decl.interval is not None else None
    return Measured(decl, due, judge(decl, due, event, interval))
