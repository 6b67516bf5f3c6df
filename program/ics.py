"""The program as an iCalendar feed: one VEVENT per session, written with ``icalendar``.

UIDs are ``session-<pk>@<host>``: stable across edits, so a subscribed calendar moves an event
instead of adding a second one; ``SEQUENCE`` is ``Session.sequence``, which grows whenever the
session's time or room changes. Times are UTC instants.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Event

from workshops.ics import host_of, new_calendar, utc


def _description(session, workshop) -> str:
    lines = []
    if session.description:
        lines.append(session.description)
    people = [p.name for p in session.people.all()]
    if people:
        lines.append("With " + ", ".join(people) + ".")
    for item in session.items:
        when = ""
        if item.starts_at is not None:
            when = f"{timezone.localtime(item.starts_at, workshop.tzinfo):%H:%M} "
        line = f"{when}{item.title}"
        if item.author_names:
            line += f" — {item.author_names}"
        lines.append(line)
    return "\n".join(lines)


def program_calendar(workshop, sessions, *, url: str, now: dt.datetime | None = None) -> bytes:
    """The VCALENDAR of ``sessions`` (from ``program.public.program_context``)."""
    host = host_of(url)
    stamp = utc(now or timezone.now()).replace(microsecond=0)
    calendar = new_calendar(f"{workshop.short_name} program", product="Program")
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", utc(session.starts_at))
        event.add("dtend", utc(session.ends_at))
        event.add("sequence", session.sequence)
        event.add("summary", f"{workshop.short_name}: {session.title}")
        if session.room:
            event.add("location", session.room)
        description = _description(session, workshop)
        event.add("description", f"{description}\n{url}" if description else url)
        event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()
