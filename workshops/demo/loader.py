"""Write the demo workshops and users of ``seeds`` to the database; safe to run again.

Rows are keyed by natural keys (a workshop's slug, a user's e-mail address, a date's kind, a
topic's name under its parent...), so a second run updates in place and creates nothing twice.
The demo edition's dates are recomputed from the day of the run, so its call stays open.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..enums import AOE, DateKind, PersonRole
from ..models import (
    ImportantDate,
    Membership,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)
from ..models.call import default_scale
from . import seeds

UTC = dt.UTC
END_OF_DAY = dt.time(23, 59, 59)
WORKSHOP_DAY_TIME = dt.time(12, 0)  # UTC; see the conventions in seeds.py

WORKSHOP_FIELDS = [
    "name",
    "acronym",
    "edition",
    "colocated_with",
    "format",
    "venue",
    "tagline",
    "website",
    "contact_email",
    "anonymity",
    "is_archival",
    "proceedings",
    "dual_submission_allowed",
    "code_of_conduct_url",
    "code_of_ethics_url",
    "template_latex_url",
    "template_word_url",
    "presentation_outcomes",
    "overview",
    "call_for_papers",
    "submission_instructions",
]


def end_of_day(day: dt.date | None, tz: str) -> dt.datetime | None:
    """23:59:59 of ``day`` in the zone ``tz``, in UTC (an AoE deadline)."""
    if day is None:
        return None
    local = dt.datetime.combine(day, END_OF_DAY, tzinfo=zoneinfo.ZoneInfo(tz))
    return local.astimezone(UTC)


def workshop_day(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, WORKSHOP_DAY_TIME, tzinfo=UTC)


def instant(kind: str, day: dt.date | None, tz: str) -> dt.datetime | None:
    return workshop_day(day) if kind == DateKind.WORKSHOP_DAY else end_of_day(day, tz)


@transaction.atomic
def load(stdout=None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Create or update the demo workshops, users and memberships; return what exists now.

    ``now`` fixes the day the demo edition's relative dates count from (tests use it).
    """
    now = now or timezone.now()
    workshops = [_load_workshop(seed, _seed_dates(seed)) for seed in seeds.SEED_WORKSHOPS]
    workshops.append(_load_demo_edition(now))
    users = _load_users()
    memberships = _load_memberships()
    if stdout is not None:
        for workshop in workshops:
            stdout.write(f"  {workshop.short_name}: {workshop.name} ({workshop.slug})\n")
    return {
        "workshops": len(workshops),
        "users": len(users),
        "memberships": memberships,
    }


def _seed_dates(seed: dict) -> list[dict]:
    tz = seed.get("timezone", AOE)
    return [
        {
            "kind": d["kind"],
            "original_at": instant(d["kind"], d["on"], tz),
            "extended_at": instant(d["kind"], d.get("extended_to"), tz),
            "note": d.get("note", ""),
        }
        for d in seed["dates"]
    ]


def _load_demo_edition(now: dt.datetime) -> Workshop:
    seed = seeds.DEMO_EDITION
    tz = seed.get("timezone", AOE)
    today = now.astimezone(zoneinfo.ZoneInfo(tz)).date()
    dates = []
    for d in seed["dates"]:
        day = today + dt.timedelta(days=d["in_days"])
        dates.append(
            {
                "kind": d["kind"],
                "original_at": instant(d["kind"], day, tz),
                "extended_at": None,
                "note": "",
            }
        )
    year = max(d["original_at"] for d in dates).year
    return _load_workshop(seed, dates, year=year, is_demo=True)


def _load_workshop(
    seed: dict, dates: list[dict], *, year: int | None = None, is_demo: bool = False
) -> Workshop:
    defaults = {field: seed[field] for field in WORKSHOP_FIELDS}
    defaults.update(
        year=year or seed["year"],
        timezone=seed.get("timezone", AOE),
        is_published=True,
        is_demo=is_demo,
    )
    workshop, _ = Workshop.objects.update_or_create(slug=seed["slug"], defaults=defaults)

    for d in dates:
        ImportantDate.objects.update_or_create(
            workshop=workshop,
            kind=d["kind"],
            defaults={k: d[k] for k in ("original_at", "extended_at", "note")},
        )
    workshop.dates.exclude(kind__in=[d["kind"] for d in dates]).delete()

    for order, item in enumerate(seed["submission_types"]):
        SubmissionType.objects.update_or_create(
            workshop=workshop,
            name=item["name"],
            defaults={
                "order": order,
                **{k: v for k, v in item.items() if k != "name"},
            },
        )
    for order, item in enumerate(seed["criteria"]):
        ReviewCriterion.objects.update_or_create(
            workshop=workshop,
            name=item["name"],
            defaults={
                "order": order,
                "description": item.get("description", ""),
                "scale": item.get("scale") or default_scale(),
            },
        )

    _load_topics(workshop, seed["topics"])
    _load_people(workshop, seed["people"])
    return workshop


def _load_topics(workshop: Workshop, topics: list) -> None:
    """Topics are strings or ``(topic, [sub-topics])``; topics no longer listed are removed."""
    keep = []
    order = 0
    for item in topics:
        name, children = (item, []) if isinstance(item, str) else item
        parent, _ = Topic.objects.update_or_create(
            workshop=workshop, parent=None, name=name, defaults={"order": order}
        )
        keep.append(parent.pk)
        order += 1
        for child_name in children:
            child, _ = Topic.objects.update_or_create(
                workshop=workshop, parent=parent, name=child_name, defaults={"order": order}
            )
            keep.append(child.pk)
            order += 1
    workshop.topics.exclude(pk__in=keep).delete()


def _load_people(workshop: Workshop, people: list[dict]) -> None:
    keep = []
    for order, item in enumerate(people):
        role = item.get("role", PersonRole.ORGANIZER)
        person, _ = Person.objects.update_or_create(
            workshop=workshop,
            role=role,
            name=item["name"],
            defaults={
                "order": order,
                "title": item.get("title", ""),
                "affiliation": item.get("affiliation", ""),
                "website": item.get("website", ""),
                "talk_title": item.get("talk_title", ""),
            },
        )
        keep.append(person.pk)
    workshop.people.exclude(pk__in=keep).delete()


def _load_users() -> list[User]:
    """Create or reset the demo accounts: known password, verified primary address."""
    # One hash for all accounts: the password is public anyway, and hashing is slow on purpose.
    password = make_password(seeds.PASSWORD)
    users = []
    for item in seeds.USERS:
        email = item["email"].lower()
        is_superuser = item.get("is_superuser", False)
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": item["full_name"],
                "affiliation": item["affiliation"],
                "email_domains": item["email_domains"],
                "is_active": True,
                "is_staff": is_superuser,
                "is_superuser": is_superuser,
                "password": password,
            },
        )
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users


def _load_memberships() -> int:
    workshops = {w.slug: w for w in Workshop.objects.filter(slug__in=_all_slugs())}
    users = {u.email: u for u in User.objects.filter(email__in=[u["email"] for u in seeds.USERS])}
    for slug, email, role in seeds.MEMBERSHIPS:
        Membership.objects.get_or_create(workshop=workshops[slug], user=users[email], role=role)
    return len(set(seeds.MEMBERSHIPS))


def _all_slugs() -> list[str]:
    return [seeds.DEMO_EDITION["slug"], *(w["slug"] for w in seeds.SEED_WORKSHOPS)]
