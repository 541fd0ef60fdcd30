"""Day counting under FRCP 6(a) and 6(d).

This module only counts days. It knows nothing about E.D. Cal. Local Rule 251 or any other
local rule; callers decide which period applies, in which unit and in which direction.

Sources: the shared rule texts, frcp-6.txt. FRCP 6(a)(1)-(4) and the pre-2009 6(a) are
verbatim there;
6(a)(5), 6(a)(6) and 6(d) are marked [unverified] (the stored copies were cut off), so the
readings below of "next day" backward counting, "legal holiday" and the 3-day rule rest on
those unverified renderings.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "Direction",
    "ServiceMethod",
    "Unit",
    "add_service_days",
    "check_in_range",
    "count",
    "is_court_day",
    "is_legal_holiday",
]

Unit = Literal["calendar_days", "court_days"]
Direction = Literal["after", "before"]
ServiceMethod = Literal["mail", "clerk", "consent", "electronic", "hand"]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday == 0 ... Saturday == 5, Sunday == 6
_SERVICE_DAYS = 3
_SERVICE_ADDS_DAYS: frozenset[str] = frozenset({"mail", "clerk", "consent"})
_SERVICE_METHODS: frozenset[str] = _SERVICE_ADDS_DAYS | {"electronic", "hand"}

# The years the holidays library knows the US calendar for (holidays.US.start_year and
# end_year: 1777 and 2100 in holidays 0.109; tests/test_calendar.py checks them against the
# installed library). Outside them it answers "no holiday" without a word, and near years 1
# and 9999 date arithmetic overflows, so no day outside them is judged.
_COVERED_FIRST = date(1777, 1, 1)
_COVERED_LAST = date(2100, 12, 31)

# The dates a case may give, and the anchors periods are counted from: the covered years less
# a year at each end, so that any period counted from them (the packs count at most a few
# weeks, then roll past weekends and holidays) still ends on a day the calendar can judge.
FIRST_DAY = date(1778, 1, 1)
LAST_DAY = date(2099, 12, 31)


# The library's holidays for these years are cached on disk, keyed by the library's version:
# building the US calendar costs ~90 ms a process, reading the cached table ~1 ms.
_CACHED_YEARS = range(1980, 2046)


def _library_holidays(years: range | int) -> dict[int, set[date]]:
    import holidays  # the maintained source of truth; imported only on a cache miss

    table: dict[int, set[date]] = {}
    for day in holidays.country_holidays("US", years=years):
        table.setdefault(day.year, set()).add(day)
    return table


def _cache_file() -> Path | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        lib = version("holidays")
    except PackageNotFoundError:
        return None
    root = os.environ.get("RULEPATH_CACHE") or os.environ.get("XDG_CACHE_HOME")
    base = Path(root) if root else Path.home() / ".cache"
    folder = base if os.environ.get("RULEPATH_CACHE") else base / "rulepath"
    return folder / f"holidays-US-{lib}.json"


@functools.cache
def _holiday_table() -> dict[int, frozenset[date]]:
    """The library's federal holidays for the cached years, from disk when possible."""
    path = _cache_file()
    if path is not None:
        try:
            stored = json.loads(path.read_text())
            return {int(y): frozenset(map(date.fromisoformat, ds)) for y, ds in stored.items()}
        except (OSError, ValueError):
            pass
    table = _library_holidays(_CACHED_YEARS)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(
                json.dumps({y: sorted(d.isoformat() for d in ds) for y, ds in table.items()})
            )
            tmp.replace(path)
        except OSError:
            pass  # a read-only home: just recompute next time
    return {y: frozenset(ds) for y, ds in table.items()}


@functools.lru_cache(maxsize=256)
def _federal_holidays(year: int) -> frozenset[date]:
    """All US federal holidays (actual and observed dates) that fall in ``year``."""
    table = _holiday_table()
    if year in table:
        return table[year]
    return frozenset(_library_holidays(year).get(year, set()))


def check_in_range(d: date) -> None:
    """Raise ``ValueError`` if ``d`` is outside ``FIRST_DAY..LAST_DAY``, the dates a case may
    give and periods may be counted from."""
    if not FIRST_DAY <= d <= LAST_DAY:
        raise ValueError(f"{d} is outside the calendar's range {FIRST_DAY}..{LAST_DAY}")


def _check_covered(d: date) -> None:
    """Raise ``ValueError`` if the holidays library does not know ``d``'s year."""
    if not _COVERED_FIRST <= d <= _COVERED_LAST:
        raise ValueError(
            f"{d} is outside the years the holiday calendar covers "
            f"({_COVERED_FIRST}..{_COVERED_LAST})"
        )


def is_legal_holiday(d: date) -> bool:
    """Return True if ``d`` is a "legal holiday" under FRCP 6(a)(6).

    Implements FRCP 6(a)(6)(A) (the days set aside by statute for the eleven named federal
    holidays) using the maintained ``holidays`` library: ``holidays.country_holidays("US")``,
    default ("public") category, i.e. the federal holidays of 5 U.S.C. 6103 with their observed
    dates (a holiday on a Saturday is observed the Friday before, one on a Sunday the Monday
    after; both the actual and the observed day count). The library dates each holiday from its
    enactment, so Juneteenth is a holiday from 2021 (observed Friday 2021-06-18) and is not one in
    2020. Juneteenth was added by Congress in June 2021, which 6(a)(6)(B) already covers; its
    listing in 6(a)(6)(A) dates from a later amendment [unverified].

    Not included:

    * FRCP 6(a)(6)(C), "any other day declared a holiday by the state where the district court is
      located" (for periods measured after an event). California court holidays (e.g. Cesar
      Chavez Day, Lincoln's Birthday, the day after Thanksgiving) are not in the stored rule
      texts, so they are not encoded here; a forward deadline landing on one may in fact run one
      court day longer than this module says.
    * One-off days the President closes federal offices by executive order (e.g. some Christmas
      Eves, national days of mourning), which 6(a)(6)(B) may reach. The library keeps those in a
      separate "government" category mixed with half-day closings, so they are left out.

    Raises ``ValueError`` for a day outside the years the library covers (1777-2100).
    """
    _check_covered(d)
    return d in _federal_holidays(d.year)


def is_court_day(d: date) -> bool:
    """Return True if ``d`` is not a Saturday, Sunday or legal holiday.

    This is the "day that is not a Saturday, Sunday, or legal holiday" of FRCP 6(a)(1)(C) and
    6(a)(5), with legal holidays as in :func:`is_legal_holiday` (FRCP 6(a)(6)).

    Raises ``ValueError`` for a day outside the years the library covers (1777-2100), even a
    Saturday: the range is the calendar's, not the day's.
    """
    _check_covered(d)
    return d.weekday() < _SATURDAY and not is_legal_holiday(d)


def _roll(d: date, step: timedelta) -> date:
    """Move from ``d`` by ``step`` until a court day is reached (``d`` itself if it is one)."""
    while not is_court_day(d):
        d += step
    return d


def count(anchor: date, days: int, unit: Unit, direction: Direction) -> date:
    """Return the last day of a period of ``days`` days counted from ``anchor``.

    * ``direction="after"`` (FRCP 6(a)(1)): exclude the anchor day (6(a)(1)(A)); count every day
      (6(a)(1)(B)) or, for ``unit="court_days"``, only court days; include the last day, but if
      it is a Saturday, Sunday or legal holiday, the period runs until the next court day
      (6(a)(1)(C)).
    * ``direction="before"`` (FRCP 6(a)(5), periods measured before an event, e.g. "at least 7
      days before the hearing"): exclude the anchor day and count backward the same way; if the
      day reached is a Saturday, Sunday or legal holiday, continue backward to the previous court
      day (the "next day" of 6(a)(1)(C) counted backward, per 6(a)(5) [unverified wording]).
    * ``days == 0`` returns ``anchor`` unchanged in both directions, with no weekend or holiday
      adjustment ("on or before/after the anchor").
    * ``unit="court_days"`` counts only court days, skipping intermediate Saturdays, Sundays and
      legal holidays, as pre-Dec. 1, 2009 FRCP 6(a) did for periods under 11 days and as "N court
      days" is counted. The result is then itself a court day, so no end-of-period adjustment is
      needed.

    Raises ``ValueError`` for a negative ``days``, an unknown ``unit`` or ``direction``, an
    ``anchor`` outside ``FIRST_DAY..LAST_DAY`` (:func:`check_in_range`), or a period that would
    run past the years the holidays library covers.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    if unit not in ("calendar_days", "court_days"):
        raise ValueError(f"unknown unit: {unit!r}")
    if direction not in ("after", "before"):
        raise ValueError(f"unknown direction: {direction!r}")
    check_in_range(anchor)
    if days == 0:
        return anchor
    _check_period(anchor, days, direction)

    step = _ONE_DAY if direction == "after" else -_ONE_DAY
    if unit == "calendar_days":
        return _roll(anchor + days * step, step)

    d = anchor
    remaining = days
    while remaining:
        d += step
        if is_court_day(d):
            remaining -= 1
    return d


def _check_period(anchor: date, days: int, direction: Direction) -> None:
    """Refuse a period whose calendar-day end is past the covered years (a court-day period
    ends later still), before any date arithmetic can overflow or a loop run for long."""
    end = anchor.toordinal() + (days if direction == "after" else -days)
    if not _COVERED_FIRST.toordinal() <= end <= _COVERED_LAST.toordinal():
        raise ValueError(
            f"{days} days {direction} {anchor} runs outside the years the holiday calendar "
            f"covers ({_COVERED_FIRST}..{_COVERED_LAST})"
        )


def add_service_days(d: date, served_by: ServiceMethod) -> date:
    """Apply FRCP 6(d) to ``d``, the day a period would otherwise expire under FRCP 6(a).

    FRCP 6(d) [unverified wording]: when service is made under Rule 5(b)(2)(C) (mail), (D)
    (leaving with the clerk) or (F) (other means consented to), "3 days are added after the
    period would otherwise expire under Rule 6(a)". So for ``served_by`` in ``"mail"``,
    ``"clerk"`` and ``"consent"`` this returns ``d`` plus 3 calendar days, moved forward to the
    next court day if that day is a Saturday, Sunday or legal holiday. For ``"electronic"``
    (5(b)(2)(E); no extra days since the Dec. 1, 2016 amendment) and ``"hand"`` (5(b)(2)(A)/(B))
    it returns ``d`` unchanged.

    Our reading: the 3 days are added to the already-adjusted 6(a) expiry (so a period ending on a
    Saturday first moves to Monday, then 3 days are added), and FRCP 6(a)(1)(C) then applies to
    the new last day. ``d`` is expected to be a court day already (the output of :func:`count`);
    it is not adjusted for the non-adding methods.

    Raises ``ValueError`` for an unknown ``served_by``, or a ``d`` (or a day it moves to)
    outside the years the holidays library covers.
    """
    if served_by not in _SERVICE_METHODS:
        raise ValueError(f"unknown service method: {served_by!r}")
    if served_by not in _SERVICE_ADDS_DAYS:
        return d
    _check_covered(d)  # before adding days: date.max + 3 days would overflow
    return _roll(d + timedelta(days=_SERVICE_DAYS), _ONE_DAY)
