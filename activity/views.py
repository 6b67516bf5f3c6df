"""The chairs' pages of the activity log: the whole workshop's, filtered and paginated, and
its CSV/JSON download. Only chairs and site admins (others get a 404, like the neighbouring
chair pages); entries about a paper the reader may not manage are never shown."""

from __future__ import annotations

import csv
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from reviews.views.common import managed_workshop_or_404
from submissions.export import cell
from workshops.files import file_response
from workshops.tables import Column, Table

from .forms import LogFilterForm
from .queries import filtered, people_in, visible_entries

COLUMNS = [
    Column("when", "When", sort="when"),
    Column("who", "Who"),
    Column("kind", "Kind"),
    Column("paper", "Paper"),
    Column("what", "What"),
    Column("changes", "Changes", optional=True),
]
SORTS = {"when": ["created_at", "pk"]}
EXPORT_HEADER = [
    "paper",
    "title",
    "time",
    "kind",
    "action",
    "actor",
    "actor_email",
    "message",
    "from_state",
    "to_state",
    "changes",
]


def _log(request, slug):
    """The workshop, the reader's filter form and the filtered entries."""
    workshop = managed_workshop_or_404(request, slug)
    entries = visible_entries(request.user, workshop)
    form = LogFilterForm(request.GET or None, people=people_in(entries))
    values = form.values if request.GET else {}
    entries = filtered(entries, tz=workshop.tzinfo, **values).select_related("actor", "submission")
    return workshop, form, entries


@login_required
def workshop_log(request, slug):
    workshop, form, entries = _log(request, slug)
    table = Table(
        request, name="activity", columns=COLUMNS, sorts=SORTS, default_sort="-when", per_page=50
    )
    page = table.paginate(table.sort_queryset(entries))
    query = request.GET.copy()
    for name in ("page", "sort", "per_page", "cols"):
        query.pop(name, None)
    return render(
        request,
        "activity/workshop_log.html",
        {
            "workshop": workshop,
            "form": form,
            "table": table,
            "page": page,
            "filter_query": query.urlencode(),
        },
    )


def _time(entry, workshop) -> str:
    return entry.created_at.astimezone(workshop.tzinfo).isoformat(timespec="seconds")


def _record(entry, workshop) -> dict:
    actor, paper = entry.actor, entry.submission
    return {
        "time": _time(entry, workshop),
        "kind": entry.kind,
        "action": entry.action,
        "actor": (actor.full_name or actor.email) if actor else "",
        "actor_email": actor.email if actor else "",
        "paper": paper.number if paper else None,
        "title": paper.title if paper else "",
        "message": entry.message,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "changes": entry.changes,
    }


@login_required
def workshop_log_export(request, slug, fmt):
    """The filtered log as CSV (formula cells neutralised) or JSON, oldest first."""
    if fmt not in ("csv", "json"):
        raise Http404
    workshop, _form, entries = _log(request, slug)
    entries = entries.order_by("created_at", "pk")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"{workshop.slug}-activity-{stamp}.{fmt}"
    if fmt == "json":
        data = {
            "workshop": workshop.slug,
            "time_zone": workshop.timezone,
            "entries": [_record(e, workshop) for e in entries.iterator(chunk_size=1000)],
        }
        return file_response(
            json.dumps(data, ensure_ascii=False, indent=1),
            filename=filename,
            content_type="application/json; charset=utf-8",
        )
    response = file_response(filename=filename, content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(EXPORT_HEADER)
    for entry in entries.iterator(chunk_size=1000):
        data = _record(entry, workshop)
        data["changes"] = json.dumps(data["changes"], ensure_ascii=False) if data["changes"] else ""
        writer.writerow([cell(data[name]) for name in EXPORT_HEADER])
    return response
