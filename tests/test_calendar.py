"""Tests for rulepath.engine.calendar (FRCP 6(a) and 6(d) day counting).

Every expected date below was worked out by hand and its weekday checked with Python's
``date.strftime("%a")`` while writing. Federal holidays relied on (from the ``holidays`` library,
checked against its listing): 2008-05-26 Mon Memorial Day, 2008-07-04 Fri, 2008-11-27 Thu
Thanksgiving, 2010-07-05 Mon (July 4 observed), 2020-07-03 Fri (July 4 observed), 2021-06-18 Fri
(Juneteenth observed), 2021-12-31 Fri (New Year's Day 2022 observed), 2023-01-16 Mon MLK Day,
2023-06-19 Mon Juneteenth, 2023-07-04 Tue, 2023-11-23 Thu Thanksgiving.
"""

from __future__ import annotations

from datetime import date

import pytest

from rulepath.engine.calendar import (
    Direction,
    ServiceMethod,
    Unit,
    add_service_days,
    count,
    is_court_day,
    is_legal_holiday,
)

D = date.fromisoformat

# (anchor, days, unit, direction, expected)
COUNT_CASES: list[pytest.ParameterSet] = [
    # --- forward, calendar days: FRCP 6(a)(1)(A)-(C) ---
    pytest.param(
        D("2023-03-01"),
        21,
        "calendar_days",
        "after",
        D("2023-03-22"),
        id="6(a)(1)-21d-Wed-to-Wed-no-adjustment",
    ),
    pytest.param(
        D("2023-03-01"),
        10,
        "calendar_days",
        "after",
        D("2023-03-13"),
        id="6(a)(1)(C)-10d-lands-Sat-2023-03-11-to-Mon",
    ),
    pytest.param(
        D("2023-01-09"),
        7,
        "calendar_days",
        "after",
        D("2023-01-17"),
        id="6(a)(1)(C)-lands-MLK-Mon-2023-01-16-to-Tue",
    ),
    pytest.param(
        D("2023-01-04"),
        10,
        "calendar_days",
        "after",
        D("2023-01-17"),
        id="6(a)(1)(C)-lands-Sat-2023-01-14-skips-Sun-and-MLK-to-Tue",
    ),
    pytest.param(
        D("2010-06-11"),
        21,
        "calendar_days",
        "after",
        D("2010-07-02"),
        id="6(a)(1)(C)-Fri-2010-07-02-is-a-court-day",
    ),
    pytest.param(
        D("2010-06-24"),
        10,
        "calendar_days",
        "after",
        D("2010-07-06"),
        id="6(a)(1)(C)-lands-Sun-2010-07-04-Mon-observed-to-Tue",
    ),
    pytest.param(
        D("2020-06-23"),
        10,
        "calendar_days",
        "after",
        D("2020-07-06"),
        id="6(a)(1)(C)+6(a)(6)(A)-lands-Fri-2020-07-03-observed-to-Mon",
    ),
    pytest.param(
        D("2021-12-21"),
        10,
        "calendar_days",
        "after",
        D("2022-01-03"),
        id="6(a)(1)(C)-lands-Fri-2021-12-31-NewYear-observed-across-year",
    ),
    pytest.param(
        D("2023-06-28"),
        7,
        "calendar_days",
        "after",
        D("2023-07-05"),
        id="6(a)(1)(B)-intermediate-July-4-is-counted",
    ),
    # --- backward, calendar days: FRCP 6(a)(5) ---
    pytest.param(
        D("2023-03-15"),
        7,
        "calendar_days",
        "before",
        D("2023-03-08"),
        id="6(a)(5)-7d-before-Wed-hearing-to-Wed",
    ),
    pytest.param(
        D("2023-03-15"),
        10,
        "calendar_days",
        "before",
        D("2023-03-03"),
        id="6(a)(5)-10d-before-lands-Sun-2023-03-05-back-to-Fri",
    ),
    pytest.param(
        D("2023-01-23"),
        7,
        "calendar_days",
        "before",
        D("2023-01-13"),
        id="6(a)(5)-7d-before-lands-MLK-Mon-back-to-Fri",
    ),
    pytest.param(
        D("2023-07-11"),
        7,
        "calendar_days",
        "before",
        D("2023-07-03"),
        id="6(a)(5)-7d-before-lands-July-4-Tue-back-to-Mon",
    ),
    pytest.param(
        D("2023-07-05"),
        7,
        "calendar_days",
        "before",
        D("2023-06-28"),
        id="6(a)(5)-7d-before-across-July-4-no-adjustment",
    ),
    pytest.param(
        D("2022-01-07"),
        7,
        "calendar_days",
        "before",
        D("2021-12-30"),
        id="6(a)(5)-lands-Fri-2021-12-31-observed-back-across-year",
    ),
    # --- court days (pre-2009 6(a) short periods; "N court days") ---
    pytest.param(
        D("2008-03-12"),
        3,
        "court_days",
        "before",
        D("2008-03-07"),
        id="pre2009-6(a)-3-court-days-before-Wed-is-Fri",
    ),
    pytest.param(
        D("2008-05-28"),
        3,
        "court_days",
        "before",
        D("2008-05-22"),
        id="pre2009-6(a)-3-court-days-before-skips-Memorial-Day",
    ),
    pytest.param(
        D("2008-11-21"),
        5,
        "court_days",
        "after",
        D("2008-12-01"),
        id="pre2009-6(a)-5-court-days-after-skips-Thanksgiving",
    ),
    pytest.param(
        D("2008-06-27"),
        10,
        "court_days",
        "after",
        D("2008-07-14"),
        id="pre2009-6(a)-10-court-days-after-skips-July-4-and-weekends",
    ),
    # --- zero days: the anchor itself, no adjustment ---
    pytest.param(
        D("2023-03-11"),
        0,
        "calendar_days",
        "after",
        D("2023-03-11"),
        id="6(a)(1)-0d-after-Sat-anchor-unchanged",
    ),
    pytest.param(
        D("2023-03-12"),
        0,
        "calendar_days",
        "before",
        D("2023-03-12"),
        id="6(a)(5)-0d-before-Sun-anchor-unchanged",
    ),
    pytest.param(
        D("2023-01-16"),
        0,
        "court_days",
        "before",
        D("2023-01-16"),
        id="6(a)(5)-0-court-days-before-holiday-anchor-unchanged",
    ),
]


@pytest.mark.parametrize(("anchor", "days", "unit", "direction", "expected"), COUNT_CASES)
def test_count(anchor: date, days: int, unit: Unit, direction: Direction, expected: date) -> None:
    assert count(anchor, days, unit, direction) == expected


@pytest.mark.parametrize(
    ("anchor", "days", "direction"),
    [
        pytest.param(D("2008-03-12"), 3, "before", id="before"),
        pytest.param(D("2008-11-21"), 5, "after", id="after"),
        pytest.param(D("2023-01-13"), 1, "after", id="after-Fri-before-MLK"),
    ],
)
def test_court_days_result_is_court_day(anchor: date, days: int, direction: Direction) -> None:
    assert is_court_day(count(anchor, days, "court_days", direction))


def test_count_one_court_day_after_fri_before_mlk_is_tue() -> None:
    # Fri 2023-01-13 -> Sat, Sun, Mon 2023-01-16 (MLK) skipped -> Tue 2023-01-17.
    assert count(D("2023-01-13"), 1, "court_days", "after") == D("2023-01-17")


def test_count_rejects_negative_days() -> None:
    with pytest.raises(ValueError):
        count(D("2023-03-01"), -1, "calendar_days", "after")


def test_count_rejects_unknown_unit_and_direction() -> None:
    with pytest.raises(ValueError):
        count(D("2023-03-01"), 1, "business_days", "after")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        count(D("2023-03-01"), 1, "calendar_days", "around")  # type: ignore[arg-type]


# --- FRCP 6(a)(6): legal holidays ---
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D("2023-07-04"), True, id="6(a)(6)(A)-Independence-Day-2023"),
        pytest.param(D("2008-07-04"), True, id="6(a)(6)(A)-Independence-Day-2008"),
        pytest.param(D("2020-07-03"), True, id="6(a)(6)(A)-Independence-Day-observed-Fri-2020"),
        pytest.param(D("2010-07-05"), True, id="6(a)(6)(A)-Independence-Day-observed-Mon-2010"),
        pytest.param(D("2023-11-23"), True, id="6(a)(6)(A)-Thanksgiving-2023"),
        pytest.param(D("2008-11-27"), True, id="6(a)(6)(A)-Thanksgiving-2008"),
        pytest.param(D("2023-01-16"), True, id="6(a)(6)(A)-MLK-Day-2023"),
        pytest.param(D("2021-12-31"), True, id="6(a)(6)(A)-NewYear-2022-observed-Fri-2021-12-31"),
        pytest.param(D("2021-06-18"), True, id="6(a)(6)(B)-Juneteenth-2021-observed-Fri"),
        pytest.param(D("2021-06-19"), True, id="6(a)(6)(B)-Juneteenth-2021-actual-Sat"),
        pytest.param(D("2022-06-20"), True, id="6(a)(6)(A)-Juneteenth-2022-observed-Mon"),
        pytest.param(D("2023-06-19"), True, id="6(a)(6)(A)-Juneteenth-2023"),
        pytest.param(D("2020-06-19"), False, id="6(a)(6)-Juneteenth-2020-not-yet-a-holiday"),
        pytest.param(D("2021-06-17"), False, id="6(a)(6)-Thu-2021-06-17-ordinary-day"),
        pytest.param(D("2023-11-24"), False, id="6(a)(6)(C)-not-encoded-day-after-Thanksgiving"),
        pytest.param(D("2023-03-31"), False, id="6(a)(6)(C)-not-encoded-Cesar-Chavez-Day"),
        pytest.param(D("2023-03-15"), False, id="6(a)(6)-ordinary-Wed"),
    ],
)
def test_is_legal_holiday(day: date, expected: bool) -> None:
    assert is_legal_holiday(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D("2023-03-15"), True, id="6(a)(1)(C)-Wed-court-day"),
        pytest.param(D("2023-03-17"), True, id="6(a)(1)(C)-Fri-court-day"),
        pytest.param(D("2023-03-18"), False, id="6(a)(1)(C)-Sat"),
        pytest.param(D("2023-03-19"), False, id="6(a)(1)(C)-Sun"),
        pytest.param(D("2023-07-04"), False, id="6(a)(1)(C)-legal-holiday-Tue"),
    ],
)
def test_is_court_day(day: date, expected: bool) -> None:
    assert is_court_day(day) is expected


# --- FRCP 6(d): 3 days added after service by mail, clerk or consented means ---
@pytest.mark.parametrize(
    ("expiry", "served_by", "expected"),
    [
        pytest.param(D("2023-03-27"), "mail", D("2023-03-30"), id="6(d)-mail-Mon-plus-3-Thu"),
        pytest.param(D("2023-03-27"), "clerk", D("2023-03-30"), id="6(d)-clerk-plus-3"),
        pytest.param(D("2023-03-27"), "consent", D("2023-03-30"), id="6(d)-consent-plus-3"),
        pytest.param(D("2023-03-27"), "electronic", D("2023-03-27"), id="6(d)-electronic-plus-0"),
        pytest.param(D("2023-03-27"), "hand", D("2023-03-27"), id="6(d)-hand-plus-0"),
        pytest.param(
            D("2023-03-15"),
            "mail",
            D("2023-03-20"),
            id="6(d)+6(a)(1)(C)-mail-lands-Sat-2023-03-18-to-Mon",
        ),
        pytest.param(
            D("2023-06-15"),
            "mail",
            D("2023-06-20"),
            id="6(d)+6(a)(1)(C)-mail-lands-Sun-then-Juneteenth-to-Tue",
        ),
        pytest.param(
            D("2023-11-20"),
            "mail",
            D("2023-11-24"),
            id="6(d)+6(a)(1)(C)-mail-lands-Thanksgiving-to-Fri",
        ),
    ],
)
def test_add_service_days(expiry: date, served_by: ServiceMethod, expected: date) -> None:
    assert add_service_days(expiry, served_by) == expected


def test_6d_after_6a_weekend_extension() -> None:
    # Our reading of 6(d): 21 days from Sat 2023-03-04 end Sat 2023-03-25, which 6(a)(1)(C) moves
    # to Mon 2023-03-27; the 3 mail days are added to that: Thu 2023-03-30.
    expiry = count(D("2023-03-04"), 21, "calendar_days", "after")
    assert expiry == D("2023-03-27")
    assert add_service_days(expiry, "mail") == D("2023-03-30")
    assert add_service_days(expiry, "electronic") == D("2023-03-27")


def test_add_service_days_rejects_unknown_method() -> None:
    with pytest.raises(ValueError):
        add_service_days(D("2023-03-27"), "fax")  # type: ignore[arg-type]


def test_holiday_cache_matches_the_library(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The on-disk table is the library's own output, written once and read back."""
    import holidays

    from rulepath.engine import calendar as cal

    monkeypatch.setenv("RULEPATH_CACHE", str(tmp_path))
    cal._holiday_table.cache_clear()
    cal._federal_holidays.cache_clear()
    try:
        first = cal._holiday_table()  # computed from the library, then written
        assert list(tmp_path.glob("holidays-US-*.json"))
        cal._holiday_table.cache_clear()
        second = cal._holiday_table()  # read back from disk
        assert first == second
        for year in (1990, 2010, 2021, 2045):
            library = frozenset(holidays.country_holidays("US", years=year))
            assert second[year] == library
    finally:
        cal._holiday_table.cache_clear()
        cal._federal_holidays.cache_clear()
