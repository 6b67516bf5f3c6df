"""Write the demo workshops and users of ``seeds`` to the database; safe to run again.

By default a run only creates what is missing, keyed by natural keys (a workshop's slug, a
user's e-mail address, a membership's workshop, user and role). It never overwrites or deletes a
row that exists: once a demo workshop exists its call (texts, dates, topics, types, criteria,
people) belongs to its chairs, and a demo account keeps the password its owner chose. The one
exception keeps the demo edition open forever: when its paper deadline (extension included) has
passed, its dates are recomputed from the day of the run.

``reset=True`` (``load_demo --reset``) restores the seed state: fields and passwords are
overwritten, and topics, dates, people and unused criteria that are not in the seeds are removed.
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
# Fields only some seeds state, with the value of a seed that does not.
OPTIONAL_FIELDS = {
    "camera_ready_instructions": "",
    "camera_ready_template_url": "",
    "contact_note": "",
    "announced_later": [],
}


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
def load(stdout=None, *, now: dt.datetime | None = None, reset: bool = False) -> dict[str, int]:
    """Create the missing demo workshops, users and memberships (``reset``: restore all of them
    to the seeds); return how many exist and how many were created.

    ``now`` fixes the day the demo edition's relative dates count from (tests use it).
    """
    now = now or timezone.now()
    loaded = [(seed, _seed_dates(seed)) for seed in seeds.SEED_WORKSHOPS]
    workshops, created_slugs = [], set()
    for seed, dates in loaded:
        workshop, created = _load_workshop(seed, dates, reset=reset)
        workshops.append(workshop)
        if created:
            created_slugs.add(workshop.slug)
    demo, created = _load_demo_edition(now, reset=reset)
    workshops.append(demo)
    if created:
        created_slugs.add(demo.slug)
    # The complete edition has fixed dates (its cycle is over) and is labelled as a demo.
    complete = seeds.COMPLETE_EDITION
    past, created = _load_workshop(
        complete, _seed_dates(complete), year=complete["year"], is_demo=True, reset=reset
    )
    workshops.append(past)
    if created:
        created_slugs.add(past.slug)
    middle, created = _load_response_edition(now, reset=reset)
    workshops.append(middle)
    if created:
        created_slugs.add(middle.slug)
    users, created_emails = _load_users(reset=reset)
    memberships = _load_memberships(
        created_slugs=created_slugs, created_emails=created_emails, reset=reset
    )
    if stdout is not None:
        for workshop in workshops:
            state = "created" if workshop.slug in created_slugs else "kept"
            stdout.write(f"  {workshop.short_name}: {workshop.name} ({workshop.slug}), {state}\n")
    return {
        "workshops": len(workshops),
        "workshops_created": len(created_slugs),
        "users": len(users),
        "users_created": len(created_emails),
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


def _demo_dates(now: dt.datetime, seed: dict | None = None) -> list[dict]:
    """The dates of a demo edition whose seed gives them in days from the day of ``now``."""
    seed = seed or seeds.DEMO_EDITION
    tz = seed.get("timezone", AOE)
    today = now.astimezone(zoneinfo.ZoneInfo(tz)).date()
    return [
        {
            "kind": d["kind"],
            "original_at": instant(d["kind"], today + dt.timedelta(days=d["in_days"]), tz),
            "extended_at": None,
            "note": "",
        }
        for d in seed["dates"]
    ]


def _demo_year(dates: list[dict]) -> int:
    return max(d["original_at"] for d in dates).year


def _load_demo_edition(now: dt.datetime, *, reset: bool) -> tuple[Workshop, bool]:
    dates = _demo_dates(now)
    workshop, created = _load_workshop(
        seeds.DEMO_EDITION, dates, year=_demo_year(dates), is_demo=True, reset=reset
    )
    if not created and not reset:
        deadline = (
            Workshop.objects.prefetch_related("dates").get(pk=workshop.pk).submission_deadline
        )
        if deadline is None or deadline < now:
            # The call has closed: open it again from today. Never while it is open, so the
            # dates (and the reminders keyed by them) do not move under a running session.
            _write_dates(workshop, dates)
            workshop.year = _demo_year(dates)
            workshop.save(update_fields=["year", "updated_at"])
    return workshop, created


def _load_response_edition(now: dt.datetime, *, reset: bool) -> tuple[Workshop, bool]:
    """The response edition: created with its dates counted from today. Its dates and the
    dated rows of its cycle move together (``workshops.demo.response``); a reset restores the
    seed's dates around its current response deadline, not today's, so they stay coherent with
    the papers and reviews."""
    seed = seeds.RESPONSE_EDITION
    anchor = now
    if reset:
        stored = ImportantDate.objects.filter(
            workshop__slug=seed["slug"], kind=DateKind.AUTHOR_RESPONSE
        ).first()
        if stored is not None:
            offset = next(d["in_days"] for d in seed["dates"] if d["kind"] == stored.kind)
            anchor = stored.original_at - dt.timedelta(days=offset)
    dates = _demo_dates(anchor, seed)
    return _load_workshop(seed, dates, year=_demo_year(dates), is_demo=True, reset=reset)


def _load_workshop(
    seed: dict,
    dates: list[dict],
    *,
    year: int | None = None,
    is_demo: bool = False,
    reset: bool = False,
) -> tuple[Workshop, bool]:
    """The workshop of ``seed``, with its call when it is created (or ``reset``)."""
    defaults = {field: seed[field] for field in WORKSHOP_FIELDS}
    defaults.update({field: seed.get(field, empty) for field, empty in OPTIONAL_FIELDS.items()})
    defaults.update(
        year=year if is_demo else seed["year"],
        timezone=seed.get("timezone", AOE),
        is_published=True,
        is_demo=is_demo,
    )
    if reset:
        workshop, created = Workshop.objects.update_or_create(slug=seed["slug"], defaults=defaults)
    else:
        workshop, created = Workshop.objects.get_or_create(slug=seed["slug"], defaults=defaults)
        if not created:
            return workshop, False

    _write_dates(workshop, dates)
    if reset:
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
    if reset:
        # Scores protect the criteria reviewers have used.
        workshop.criteria.exclude(name__in=[c["name"] for c in seed["criteria"]]).filter(
            scores__isnull=True
        ).delete()
    _load_topics(workshop, seed["topics"], prune=reset)
    _load_people(workshop, seed["people"], prune=reset)
    return workshop, created


def _write_dates(workshop: Workshop, dates: list[dict]) -> None:
    for d in dates:
        ImportantDate.objects.update_or_create(
            workshop=workshop,
            kind=d["kind"],
            defaults={k: d[k] for k in ("original_at", "extended_at", "note")},
        )


def _load_topics(workshop: Workshop, topics: list, *, prune: bool) -> None:
    """Topics are strings or ``(topic, [sub-topics])``; ``prune`` removes the ones not listed."""
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
    if prune:
        workshop.topics.exclude(pk__in=keep).delete()


def _load_people(workshop: Workshop, people: list[dict], *, prune: bool) -> None:
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
    if prune:
        workshop.people.exclude(pk__in=keep).delete()


def _load_users(*, reset: bool) -> tuple[list[User], set[str]]:
    """The demo accounts: created with the known password and a verified primary address;
    existing accounts are left alone unless ``reset``."""
    # One hash for all accounts: the password is public anyway, and hashing is slow on purpose.
    password = make_password(seeds.PASSWORD)
    users, created_emails = [], set()
    for item in seeds.USERS:
        email = item["email"].lower()
        is_superuser = item.get("is_superuser", False)
        defaults = {
            "full_name": item["full_name"],
            "affiliation": item["affiliation"],
            "email_domains": item["email_domains"],
            "is_active": True,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
            "password": password,
        }
        if reset:
            user, created = User.objects.update_or_create(email=email, defaults=defaults)
        else:
            user, created = User.objects.get_or_create(email=email, defaults=defaults)
        if created:
            created_emails.add(email)
        if created or reset:
            EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(
                primary=False
            )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        users.append(user)
    return users, created_emails


def _load_memberships(*, created_slugs: set[str], created_emails: set[str], reset: bool) -> int:
    """The seed's memberships. Without ``reset`` only those of a workshop or an account created
    by this run: a reviewer a chair removed from an existing committee stays removed."""
    workshops = {w.slug: w for w in Workshop.objects.filter(slug__in=_all_slugs())}
    users = {u.email: u for u in User.objects.filter(email__in=[u["email"] for u in seeds.USERS])}
    for slug, email, role in seeds.MEMBERSHIPS:
        if reset or slug in created_slugs or email in created_emails:
            Membership.objects.get_or_create(workshop=workshops[slug], user=users[email], role=role)
    return len(set(seeds.MEMBERSHIPS))


def _all_slugs() -> list[str]:
    return [
        seeds.DEMO_EDITION["slug"],
        seeds.COMPLETE_EDITION["slug"],
        seeds.RESPONSE_EDITION["slug"],
        *(w["slug"] for w in seeds.SEED_WORKSHOPS),
    ]
