"""Public pages: the list of calls, a workshop's page and its calendar feed."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from program.public import program_context
from publication.publishing import accepted_context

from .. import page_cache, services
from ..files import cache_for, file_response
from ..ics import workshop_calendar
from ..models import ImportantDate, Workshop
from ..roles import chaired_workshop_ids
from .mixins import VIEW_PERMISSION


@dataclass
class CallEntry:
    workshop: Workshop
    next_date: ImportantDate | None
    time_left: str


def _visible_workshop(request, slug: str, queryset) -> Workshop:
    """The workshop if the user may see it; 404 otherwise (never reveals a draft exists)."""
    workshop = queryset.filter(slug=slug).first()
    if workshop is None or not request.user.has_perm(VIEW_PERMISSION, workshop):
        raise Http404("No such workshop.")
    return workshop


@require_safe
@page_cache.public_page
def index(request):
    """Open calls first, soonest deadline first; then the closed and past ones."""
    now = timezone.now()
    entries = []
    changes = []
    for workshop in Workshop.objects.published().with_call_data():
        changes.append(page_cache.next_change(workshop.dates.all(), now))
        next_date = services.next_deadline(workshop, now=now)
        left = services.time_left(next_date.effective_at, now=now) if next_date else ""
        entries.append(CallEntry(workshop, next_date, left))
    open_calls = sorted(
        (e for e in entries if e.workshop.accepts_new_submissions(now)),
        key=lambda e: e.next_date.effective_at,
    )
    closed = [e for e in entries if not e.workshop.accepts_new_submissions(now)]
    page_cache.note(request, page_cache.INDEX, until=min(filter(None, changes), default=None))
    user = request.user
    chaired = []
    if user.is_authenticated and chaired_workshop_ids(user):
        chaired = list(Workshop.objects.filter(pk__in=chaired_workshop_ids(user)))
    return render(
        request,
        "workshops/index.html",
        {
            "open_calls": open_calls,
            "closed_calls": closed,
            "chaired": chaired,
            "can_create": user.is_authenticated and user.has_perm("workshops.create_workshop"),
        },
    )


def call_context(workshop: Workshop, *, now=None) -> dict:
    """What a workshop page shows, from the prefetched call data (no further query)."""
    now = now or timezone.now()
    next_date = services.next_deadline(workshop, now=now)
    people = services.people_by_role(workshop.people.all())
    program = program_context(workshop)
    program_sessions = program["program_sessions"]
    return {
        **program,
        "workshop": workshop,
        "topics": services.topic_tree(workshop.topics.all()),
        "dates": services.dates_in_order(workshop.dates.all()),
        "next_date": next_date,
        "time_left": services.time_left(next_date.effective_at, now=now) if next_date else "",
        "is_open": workshop.accepts_new_submissions(now),
        "people": people,
        "submission_types": list(workshop.submission_types.all()),
        "criteria": list(workshop.criteria.all()),
        # Sections the call promises for later and that have no content yet.
        "announced_later": workshop.announced_later_labels(
            present={
                key
                for key, has in (
                    ("speakers", people.speakers),
                    ("panelists", people.panelists),
                    ("schedule", program_sessions),
                )
                if has
            }
        ),
    }


@require_safe
@page_cache.public_page
def detail(request, slug):
    workshop = _visible_workshop(
        request,
        slug,
        Workshop.objects.with_call_data().select_related("publication_settings", "program"),
    )
    context = call_context(workshop)
    page_cache.note(
        request,
        page_cache.workshop_scope(workshop.pk),
        until=page_cache.next_change(workshop.dates.all(), timezone.now()),
    )
    context["can_manage"] = request.user.has_perm("workshops.change_workshop", workshop)
    now = timezone.now()
    context["accepting_submissions"] = workshop.accepts_new_submissions(now)
    context["completing_submissions"] = workshop.accepts_completions(now)
    context.update(accepted_context(workshop))  # the published accepted papers, if any
    return render(request, "workshops/detail.html", context)


@require_safe
def calendar(request, slug):
    """The important dates as an iCalendar feed (text/calendar) to subscribe to."""
    workshop = _visible_workshop(request, slug, Workshop.objects.prefetch_related("dates"))
    body = workshop_calendar(
        workshop,
        workshop.dates.all(),
        url=request.build_absolute_uri(workshop.get_absolute_url()),
    )
    return file_response(
        body,
        filename=f"{workshop.slug}.ics",
        content_type="text/calendar; charset=utf-8",
        inline=True,  # calendar applications subscribe to it
        cache_control=cache_for(workshop),
    )


@require_safe
def person_photo(request, slug, pk):
    """An organizer's or speaker's photo, public like the workshop page that shows it.

    Uploaded files are never served straight from the media folder: submissions live there too,
    and every file goes through a view that checks who may read it.
    """
    workshop = _visible_workshop(request, slug, Workshop.objects.all())
    person = workshop.people.filter(pk=pk).exclude(photo="").first()
    if person is None:
        raise Http404("No such photo.")
    content_type = mimetypes.guess_type(person.photo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404("No such photo.")
    extension = mimetypes.guess_extension(content_type) or ""
    return file_response(
        person.photo.open("rb"),
        filename=f"{workshop.slug}-person-{person.pk}{extension}",
        content_type=content_type,
        inline=content_type != "image/svg+xml",  # an SVG may hold script: never shown inline
        cache_control=cache_for(workshop),
    )
