"""An iCalendar (RFC 5545) feed of a workshop's important dates, written by hand.

One VEVENT per date that has a value (TBD dates are left out). Deadlines (``DEADLINE_KINDS``)
are instants in UTC (``DTSTART:20230204T115959Z``); the other dates (author notification,
the workshop itself) are all-day events on their date in the workshop's time zone. UIDs are
stable per workshop and kind, so a calendar that subscribed updates an extended deadline in
place instead of adding a second event; ``SEQUENCE`` grows when a date is extended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils import timezone

from .models import ImportantDate, Workshop

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not parts else MAX_OCTETS - 1  # continuation lines start with " "
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(workshop: Workshop, date: ImportantDate, *, url: str, host: str, stamp: str):
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
    lines = [
        "BEGIN:VEVENT",
        f"UID:workshop-{workshop.pk}-{date.kind}@{host}",
        f"DTSTAMP:{stamp}",
    ]
    if date.is_deadline:
        lines.append(f"DTSTART:{utc_stamp(date.effective_at)}")
        lines.append("TRANSP:TRANSPARENT")
    else:
        day = timezone.localtime(date.effective_at, workshop.tzinfo).date()
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}")
    lines += [
        f"SEQUENCE:{1 if date.is_extended else 0}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"URL:{url}",
    ]
    if workshop.venue and not date.is_deadline:
        lines.append(f"LOCATION:{escape_text(workshop.venue)}")
    lines.append("END:VEVENT")
    return lines


def workshop_calendar(
    workshop: Workshop,
    dates: Iterable[ImportantDate],
    *,
    url: str,
    now: dt.datetime | None = None,
) -> str:
    """The whole VCALENDAR text, CRLF line endings and folded lines, for ``dates``."""
    host = urlsplit(url).hostname or "localhost"
    stamp = utc_stamp(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Workshop CFP//Important dates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{workshop.short_name} important dates')}",
    ]
    for date in sorted(dates, key=lambda d: d.sort_index):
        if date.effective_at is not None:
            lines += _event(workshop, date, url=url, host=host, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
