"""An iCalendar (RFC 5545) feed of a workshop's important dates, written with ``icalendar``.

One VEVENT per date that has a value (TBD dates are left out). Deadlines (``DEADLINE_KINDS``)
are instants in UTC (``DTSTART:20230204T115959Z``); the other dates (author notification,
the workshop itself) are all-day events on their date in the workshop's time zone. UIDs are
stable per workshop and kind, so a calendar that subscribed updates an extended deadline in
place instead of adding a second event; ``SEQUENCE`` grows when a date is extended.

The library escapes TEXT values and folds lines at 75 octets (never inside a UTF-8
character); :func:`new_calendar` and :func:`utc` are shared with the program's feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils import timezone
from icalendar import Calendar, Event

from .models import ImportantDate, Workshop

PRODID = "-//Workshop CFP//{}//EN"


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "localhost"


def new_calendar(name: str, *, product: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID.format(product))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(workshop: Workshop, date: ImportantDate, *, url: str, host: str, stamp) -> Event:
    label = date.get_kind_display()
    summary = f"{workshop.short_name}: {label}"
    if date.is_deadline:
        summary += " deadline"
    if date.is_extended:
        summary += " (extended)"
    description = []
    if date.is_extended:
        original = timezone.localtime(date.original_at, workshop.tzinfo)
        description.append(
            f"Extended from {original:%B} {original.day}, {original:%Y %H:%M} "
            f"{workshop.timezone_label}."
        )
    if date.note:
        description.append(date.note)
    description.append(url)
    event = Event()
    event.add("uid", f"workshop-{workshop.pk}-{date.kind}@{host}")
    event.add("dtstamp", stamp)
    if date.is_deadline:
        event.add("dtstart", utc(date.effective_at))
        event.add("transp", "TRANSPARENT")
    else:
        day = timezone.localtime(date.effective_at, workshop.tzinfo).date()
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
    event.add("sequence", 1 if date.is_extended else 0)
    event.add("summary", summary)
    event.add("description", "\n".join(description))
    event.add("url", url)
    if workshop.venue and not date.is_deadline:
        event.add("location", workshop.venue)
    return event


def workshop_calendar(
    workshop: Workshop,
    dates: Iterable[ImportantDate],
    *,
    url: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The whole VCALENDAR (CRLF line endings, folded lines, UTF-8) for ``dates``."""
    host = host_of(url)
    stamp = utc(now or timezone.now()).replace(microsecond=0)
    calendar = new_calendar(f"{workshop.short_name} important dates", product="Important dates")
    for date in sorted(dates, key=lambda d: d.sort_index):
        if date.effective_at is not None:
            calendar.add_component(_event(workshop, date, url=url, host=host, stamp=stamp))
    return calendar.to_ical()
