"""Turning the call pages' old schedule (``workshops.ScheduleItem``) into program sessions.

Used by the data migration ``program.0003_schedule_items_to_program`` with the historical
models it is given; kept here, free of model imports, so the rules can be read and tested.
"""

from __future__ import annotations

import datetime as dt

DEFAULT_LENGTH = dt.timedelta(minutes=30)

# The first kind whose words appear in the title wins; anything else is "other".
KIND_WORDS = (
    ("break", ("break", "lunch", "coffee", "tea ")),
    ("panel", ("panel",)),
    ("posters", ("poster",)),
    ("invited", ("invited", "keynote")),
)


def kind_from_title(title: str) -> str:
    """The session kind a schedule item's title names: break, panel, posters, invited, other."""
    lowered = f"{title.casefold()} "
    for kind, words in KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return "other"


def end_of(item, following) -> dt.datetime:
    """The item's end; when it had none, the start of the next later item, else 30 minutes."""
    if item.ends_at is not None:
        return item.ends_at
    later = [other.starts_at for other in following if other.starts_at > item.starts_at]
    return min(later) if later else item.starts_at + DEFAULT_LENGTH


def schedule_items_to_sessions(apps, schema_editor) -> None:
    """Every schedule item becomes a session of a published program (they were public)."""
    ScheduleItem = apps.get_model("workshops", "ScheduleItem")
    Program = apps.get_model("program", "Program")
    Session = apps.get_model("program", "Session")
    Person = apps.get_model("workshops", "Person")
    now = dt.datetime.now(dt.UTC)
    by_workshop: dict[int, list] = {}
    for item in ScheduleItem.objects.order_by("workshop_id", "starts_at", "pk"):
        by_workshop.setdefault(item.workshop_id, []).append(item)
    for workshop_id, items in by_workshop.items():
        program, _ = Program.objects.get_or_create(workshop_id=workshop_id)
        if program.published_at is None:
            program.published_at = now
            program.save()
        people = list(Person.objects.filter(workshop_id=workshop_id))
        for index, item in enumerate(items):
            session = Session.objects.create(
                workshop_id=workshop_id,
                kind=kind_from_title(item.title),
                title=item.title,
                starts_at=item.starts_at,
                ends_at=end_of(item, items[index + 1 :]),
                room=item.location,
                description=f"Speakers: {item.speakers}" if item.speakers else "",
            )
            speakers = item.speakers.casefold()
            named = [p for p in people if p.name and p.name.casefold() in speakers]
            if named:
                session.people.set(named)


def sessions_to_schedule_items(apps, schema_editor) -> None:
    """Back: the migrated sessions become schedule items again (slots are not kept)."""
    ScheduleItem = apps.get_model("workshops", "ScheduleItem")
    Session = apps.get_model("program", "Session")
    for session in Session.objects.prefetch_related("people"):
        speakers = session.description.removeprefix("Speakers: ") if session.description else ""
        ScheduleItem.objects.create(
            workshop_id=session.workshop_id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            title=session.title[:300],
            speakers=(speakers or ", ".join(p.name for p in session.people.all()))[:300],
            location=session.room[:200],
        )
