"""A business calendar: weekends, the holiday list in YAML, adjusted working weekends, opening hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

DEFAULT_HOLIDAYS = Path(__file__).with_name("holidays.yaml")


@dataclass(frozen=True)
class BusinessCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    working_weekends: frozenset[date] = field(default_factory=frozenset)
    opens: time = time(9, 0)
    closes: time = time(17, 30)

    @classmethod
    def load(cls, path: Path = DEFAULT_HOLIDAYS) -> BusinessCalendar:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        holidays: set[date] = set()
        for item in data.get("holidays") or []:
            if isinstance(item, list):
                day, last = item
                while day <= last:
                    holidays.add(day)
                    day += timedelta(days=1)
            else:
                holidays.add(item)
        hours = data.get("business_hours") or {}
        return cls(frozenset(holidays), frozenset(data.get("working_weekends") or []),
                   time.fromisoformat(hours.get("start", "09:00")), time.fromisoformat(hours.get("end", "17:30")))

    def is_business_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekends

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself when the bank is open, else the next opening time."""
        day = moment.date()
        if self.is_business_day(day) and moment.timetz().replace(tzinfo=None) < self.closes:
            opening = datetime.combine(day, self.opens, moment.tzinfo)
            return max(moment, opening)
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, moment.tzinfo)

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """``hours`` of opening time after ``moment`` (a lead at 17:00 Friday is due Monday 09:30)."""
        remaining = timedelta(hours=hours)
        current = self.next_opening(moment)
        while True:
            closing = datetime.combine(current.date(), self.closes, current.tzinfo)
            if current + remaining <= closing:
                return current + remaining
            remaining -= closing - current
            current = self.next_opening(closing + timedelta(seconds=1))

    def end_of_business_day(self, moment: datetime) -> datetime:
        """Closing time of the day ``moment`` falls in, or of the next business day when closed."""
        opening = self.next_opening(moment)
        return datetime.combine(opening.date(), self.closes, opening.tzinfo)
