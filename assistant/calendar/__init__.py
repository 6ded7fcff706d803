"""Business days and hours for SLAs (hot leads within one business hour, same-day leads, ticket deadlines)."""

from assistant.calendar.business import BusinessCalendar

__all__ = ["BusinessCalendar"]
