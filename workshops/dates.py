"""The one date format of the site: "Tue 15 Dec 2026, 23:59 AoE (UTC−12)".

Day, short weekday and month names in English whatever the server's locale, the 24-hour clock,
and the zone named after the time. Pages show dates through the ``workshop_time`` template tag
(``workshops.templatetags.workshop_tags``), which uses these functions.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: dt.date) -> str:
    """ "Tue 15 Dec 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def moment_text(value: dt.datetime, zone: dt.tzinfo | None = None, label: str = "UTC") -> str:
    """ "Tue 15 Dec 2026, 23:59 AoE (UTC−12)": ``value`` on the wall clock of ``zone``."""
    there = timezone.localtime(value, zone or dt.UTC)
    return f"{day_text(there)}, {there:%H:%M} {label}"


def in_workshop_zone(value: dt.datetime, workshop) -> str:
    """``moment_text`` in the workshop's zone, named as the call names it."""
    return moment_text(value, workshop.tzinfo, workshop.timezone_label)
