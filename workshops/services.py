"""Business rules of a workshop's call: who creates it, when its dates may fall, how it is shown.

Plain functions with keyword-only options; views and forms call them, they never read a request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .enums import DATE_ORDER, DateKind, MemberRole, PersonRole
from .models import ImportantDate, Membership, Person, Topic, Workshop
from .roles import forget_roles

# Pairs of kinds that may fall on the very same instant; every other later kind must be later.
SAME_INSTANT_ALLOWED = {(DateKind.ABSTRACT_REGISTRATION, DateKind.PAPER_SUBMISSION)}


@transaction.atomic
def create_workshop(workshop: Workshop, *, by) -> Workshop:
    """Save a new ``workshop`` and make ``by`` its chair, so its creator can manage it at once."""
    from activity.models import Kind
    from activity.services import record

    workshop.full_clean()
    workshop.save()
    Membership.objects.get_or_create(workshop=workshop, user=by, role=MemberRole.CHAIR)
    record(
        workshop=workshop,
        kind=Kind.SETTINGS,
        action="workshop_created",
        actor=by,
        message=f"Workshop created: {workshop.short_name}",
    )
    forget_roles(by)
    return workshop


def date_order_errors(
    dates: Iterable[tuple[str, dt.datetime | None]], *, workshop: Workshop | None = None
) -> list[str]:
    """Messages for dates out of the order of ``DATE_ORDER``; ``dates`` are (kind, effective).

    Dates without a value (TBD) are skipped. An abstract registration may close at the same
    instant as the paper submission; any other later kind must fall strictly later. Times in
    the messages are in the ``workshop``'s time zone when given, else UTC.
    """
    known = sorted(
        ((kind, when) for kind, when in dates if when is not None and kind in DATE_ORDER),
        key=lambda pair: DATE_ORDER.index(pair[0]),
    )
    errors = []
    for (earlier_kind, earlier), (later_kind, later) in zip(known, known[1:], strict=False):
        same_ok = (earlier_kind, later_kind) in SAME_INSTANT_ALLOWED
        if later < earlier or (later == earlier and not same_ok):
            relation = "on or after" if same_ok else "after"
            errors.append(
                f"{DateKind(later_kind).label} must come {relation} "
                f"{DateKind(earlier_kind).label.lower()}: it is set to "
                f"{_short(later, workshop)}, the {DateKind(earlier_kind).label.lower()} to "
                f"{_short(earlier, workshop)} "
                "(extended dates count)."
            )
    return errors


def validate_date_order(
    dates: Iterable[tuple[str, dt.datetime | None]], *, workshop: Workshop | None = None
) -> None:
    """Raise ``ValidationError`` listing every date out of order (see ``date_order_errors``)."""
    errors = date_order_errors(dates, workshop=workshop)
    if errors:
        raise ValidationError(errors)


def _short(when: dt.datetime, workshop: Workshop | None) -> str:
    if workshop is None:
        return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{when.astimezone(workshop.tzinfo):%Y-%m-%d %H:%M} {workshop.timezone_label}"


def topic_tree(topics: Iterable[Topic]) -> list[tuple[Topic, list[Topic]]]:
    """Top-level topics with their sub-topics, from an already loaded list (no query)."""
    roots: list[Topic] = []
    children: dict[int, list[Topic]] = defaultdict(list)
    for topic in topics:
        if topic.parent_id is None:
            roots.append(topic)
        else:
            children[topic.parent_id].append(topic)
    return [(root, children.get(root.pk, [])) for root in roots]


def dates_in_order(dates: Iterable[ImportantDate]) -> list[ImportantDate]:
    """The dates of a call in the order they happen (``DATE_ORDER``)."""
    return sorted(dates, key=lambda d: d.sort_index)


def next_deadline(workshop: Workshop, *, now: dt.datetime | None = None) -> ImportantDate | None:
    """The next deadline still ahead; the next date of any kind when no deadline is left."""
    now = now or timezone.now()
    upcoming = [d for d in workshop.dates.all() if d.effective_at and d.effective_at >= now]
    deadlines = [d for d in upcoming if d.is_deadline]
    return min(deadlines or upcoming, key=lambda d: d.effective_at, default=None)


@dataclass
class PeopleByRole:
    organizers: list[Person]
    speakers: list[Person]
    panelists: list[Person]


def people_by_role(people: Iterable[Person]) -> PeopleByRole:
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in sorted(people, key=lambda p: (p.order, p.pk)):
        groups[person.role].append(person)
    return PeopleByRole(
        organizers=groups[PersonRole.ORGANIZER],
        speakers=groups[PersonRole.SPEAKER],
        panelists=groups[PersonRole.PANELIST],
    )


def time_left(when: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """The remaining time as people say it: "12 days left", "5 hours left", "closed"."""
    seconds = int((when - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return "closed"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        return f"{days} days left"
    if days == 1:
        return f"1 day {hours} hour{'s' if hours != 1 else ''} left"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''} {minutes} min left"
    if minutes:
        return f"{minutes} minute{'s' if minutes != 1 else ''} left"
    return "less than a minute left"


def end_of_day(day: dt.date, tz) -> dt.datetime:
    """23:59:59 on ``day`` in ``tz``: what "a deadline on March 6" means."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)
