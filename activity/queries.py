"""What a chair may read of the log: every entry of the workshop but those about a paper the
chair may not manage (conflicted with, or an author of), through ``managed_by``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import Entry


def visible_entries(user, workshop):
    """The entries of ``workshop`` that ``user`` may read (a queryset, newest first)."""
    from submissions.models import Submission
    from submissions.permissions import managed_by

    papers = managed_by(user, Submission.objects.filter(workshop=workshop)).values("pk")
    return Entry.objects.filter(workshop=workshop).filter(
        Q(submission__isnull=True) | Q(submission__in=papers)
    )


def filtered(entries, *, kind="", actor=None, paper=None, since=None, until=None, tz=dt.UTC):
    """``entries`` of one kind, by one person (an id), about one paper (its number), and from
    day ``since`` to day ``until`` inclusive, days read in ``tz`` (the workshop's zone)."""
    if kind:
        entries = entries.filter(kind=kind)
    if actor:
        entries = entries.filter(actor_id=actor)
    if paper:
        entries = entries.filter(submission__number=paper)
    if since:
        entries = entries.filter(created_at__gte=dt.datetime.combine(since, dt.time(), tz))
    if until:
        start_next = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz)
        entries = entries.filter(created_at__lt=start_next)
    return entries


def people_in(entries):
    """(id, name) of everyone who appears as the actor of ``entries``, by name (one query)."""
    from accounts.models import User

    users = User.objects.filter(pk__in=entries.order_by().values("actor_id").distinct())
    return [
        (u.pk, u.full_name or u.email)
        for u in sorted(
            users.only("id", "full_name", "email"), key=lambda u: (u.full_name or u.email).lower()
        )
    ]
