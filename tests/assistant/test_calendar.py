"""The business calendar behind lead SLAs: opening hours 09:00–17:30, weekends, holidays, 调休.

Uses the bundled holidays.yaml (2024–2025 State Council schedule). Times are in the bank's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.calendar import BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar.load()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(("day", "open_"), [
    (date(2024, 6, 12), True),  # a Wednesday
    (date(2024, 6, 15), False),  # a Saturday
    (date(2024, 6, 10), False),  # 端午节, a Monday
    (date(2024, 10, 3), False),  # inside the National Day range 10-01..10-07
    (date(2024, 9, 29), True),  # a Sunday worked in exchange (调休上班)
    (date(2024, 10, 12), True),  # a Saturday worked in exchange
    (date(2025, 10, 8), False),  # the last day of the 2025 range
])
def test_business_days_follow_weekends_holidays_and_working_weekends(
        calendar: BusinessCalendar, day: date, open_: bool) -> None:
    assert calendar.is_business_day(day) is open_


@pytest.mark.parametrize(("moment", "opening"), [
    ("2024-06-12 08:00", "2024-06-12 09:00"),  # before opening: the same morning
    ("2024-06-12 12:00", "2024-06-12 12:00"),  # open: now
    ("2024-06-12 17:30", "2024-06-13 09:00"),  # at closing time: tomorrow
    ("2024-06-14 18:00", "2024-06-17 09:00"),  # Friday evening: Monday
    ("2024-06-07 17:45", "2024-06-11 09:00"),  # Friday evening before 端午: Tuesday
])
def test_the_next_opening(calendar: BusinessCalendar, moment: str, opening: str) -> None:
    assert calendar.next_opening(at(moment)) == at(opening)


@pytest.mark.parametrize(("received", "due"), [
    ("2024-06-12 10:00", "2024-06-12 11:00"),  # within the day
    ("2024-06-12 17:00", "2024-06-13 09:30"),  # half an hour today, half tomorrow
    ("2024-06-14 17:00", "2024-06-17 09:30"),  # over a weekend
    ("2024-06-15 11:00", "2024-06-17 10:00"),  # received on a Saturday
    ("2024-06-07 17:00", "2024-06-11 09:30"),  # over a weekend and the 端午 Monday
    ("2024-09-30 17:00", "2024-10-08 09:30"),  # over the whole National Day week
    ("2024-09-27 17:00", "2024-09-29 09:30"),  # onto a working Sunday
])
def test_a_hot_lead_is_due_one_business_hour_after_it_arrives(
        calendar: BusinessCalendar, received: str, due: str) -> None:
    assert calendar.add_business_hours(at(received), 1) == at(due)


def test_three_business_days_skip_the_weekend_and_a_holiday(calendar: BusinessCalendar) -> None:
    # Thursday 10:00 + 3 × 8.5 h: Thu 7.5 h, Fri 8.5 h, (Sat, Sun, 端午 Mon), Tue 8.5 h, Wed 1 h.
    assert calendar.add_business_hours(at("2024-06-06 10:00"), 3 * 8.5) == at("2024-06-12 10:00")


@pytest.mark.parametrize(("received", "due"), [
    ("2024-06-12 10:00", "2024-06-12 17:30"),  # a warm lead during the day: by closing
    ("2024-06-12 08:30", "2024-06-12 17:30"),  # before opening: the same day
    ("2024-06-12 19:00", "2024-06-13 17:30"),  # after closing: the next business day
    ("2024-06-07 18:00", "2024-06-11 17:30"),  # Friday evening before 端午: Tuesday
])
def test_a_same_day_lead_is_due_by_the_close_of_the_business_day(
        calendar: BusinessCalendar, received: str, due: str) -> None:
    assert calendar.end_of_business_day(at(received)) == at(due)


def test_a_bank_may_bring_its_own_holidays_and_hours(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "holidays.yaml"
    path.write_text("holidays:\n  - [2024-06-13, 2024-06-14]\nworking_weekends: [2024-06-15]\n"
                    "business_hours: {start: '08:30', end: '17:00'}\n", encoding="utf-8")
    calendar = BusinessCalendar.load(path)
    assert calendar.add_business_hours(at("2024-06-12 16:30"), 1) == at("2024-06-15 09:00")
    assert calendar.is_business_day(date(2024, 6, 10))  # not a holiday in this bank's list
