"""The chairs' activity pages: the workshop's log (filters, pages, downloads), the paper's
section on the chair's paper page, the authors' history; who may read what."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Entry, Kind
from activity.services import record
from reviews.enums import ConflictSource
from reviews.services.conflicts import add_conflict
from submissions.enums import SubmissionState
from submissions.services.state import set_state
from tests import factories as base

pytestmark = pytest.mark.django_db


def log_url(workshop, **query):
    url = reverse("activity:workshop_log", args=[workshop.slug])
    return url


def export_url(workshop, fmt):
    return reverse("activity:workshop_log_export", args=[workshop.slug, fmt])


@pytest.fixture
def logged(scenario):
    """Entries about both papers and the workshop, by the chair and a reviewer."""
    w = scenario.workshop
    add_conflict(
        submission=scenario.paper,
        user=scenario.unassigned,
        source=ConflictSource.CHAIR,
        by=scenario.chair,
        reason="Former student",
    )
    record(
        workshop=w,
        kind=Kind.BID,
        action="bid",
        actor=scenario.assigned,
        submission=scenario.other_paper,
        message="Bid: Eager",
        changes={"preference": (None, "eager")},
    )
    record(
        workshop=w,
        kind=Kind.SETTINGS,
        action="call_edited",
        actor=scenario.chair,
        message="Call edited: Dates",
        changes={"Name": ("Old =HYPERLINK()", "New")},
    )
    return scenario


def test_a_chair_reads_the_whole_log_newest_first(logged, login):
    page = login(logged.chair).get(log_url(logged.workshop))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Robust training under label noise" in body  # the paper's title
    assert reverse("reviews:manage_paper", args=[logged.workshop.slug, 1]) in body
    assert "Former student" in body and "Uma Unassigned" in body
    assert "Old =HYPERLINK()" in body and "<ins>New</ins>" in body
    rows = list(page.context["page"])
    assert [e.kind for e in rows] == [Kind.SETTINGS, Kind.BID, Kind.CONFLICT]
    assert 'aria-current="page"' in body and ">Activity<" in body  # its chair tab


def test_a_conflicted_chair_sees_nothing_about_the_paper(logged, login):
    client = login(logged.conflicted_chair)
    page = client.get(log_url(logged.workshop))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Robust training" not in body and "Former student" not in body
    assert {e.kind for e in page.context["page"]} == {Kind.SETTINGS, Kind.BID}
    # Not through a filter either.
    by_paper = client.get(log_url(logged.workshop), {"paper": 1})
    assert list(by_paper.context["page"]) == []
    for fmt in ("csv", "json"):
        download = client.get(export_url(logged.workshop, fmt))
        text = download.content.decode()
        assert download.status_code == 200
        assert "Robust training" not in text and "Former student" not in text
        assert "Poisoning at scale" in text
    # Nor on the paper's page (refused as a whole, as before).
    paper_page = client.get(reverse("reviews:manage_paper", args=[logged.workshop.slug, 1]))
    assert paper_page.status_code == 404


def test_only_chairs_and_site_admins_may_read(logged, login):
    for user in (logged.assigned, logged.author, base.UserFactory()):
        client = login(user)
        assert client.get(log_url(logged.workshop)).status_code == 404
        assert client.get(export_url(logged.workshop, "csv")).status_code == 404
    anonymous = login(None).get(log_url(logged.workshop))
    assert anonymous.status_code == 302
    admin = base.UserFactory(is_superuser=True, is_staff=True)
    assert login(admin).get(log_url(logged.workshop)).status_code == 200
    assert login(logged.chair).get(export_url(logged.workshop, "xml")).status_code == 404


def test_filters_by_kind_person_paper_and_dates(logged, login):
    client = login(logged.chair)
    url = log_url(logged.workshop)

    def kinds(**query):
        return [e.kind for e in client.get(url, query).context["page"]]

    assert kinds(kind=Kind.BID) == [Kind.BID]
    assert kinds(person=logged.assigned.pk) == [Kind.BID]
    assert kinds(paper=1) == [Kind.CONFLICT]
    page = client.get(url)
    people = dict(page.context["form"].fields["person"].choices)
    assert people == {
        "": "Anyone",
        str(logged.chair.pk): "Carla Chair",
        str(logged.assigned.pk): "Rita Reviewer-Jones",
    }
    # Dates are days in the workshop's zone: yesterday's entry there is not "today".
    zone = logged.workshop.tzinfo
    today = timezone.now().astimezone(zone).date()
    old = Entry.objects.get(kind=Kind.BID)
    Entry.objects.filter(pk=old.pk).update(
        created_at=dt.datetime.combine(today - dt.timedelta(days=1), dt.time(23, 30), zone)
    )
    assert Kind.BID not in kinds(since=today.isoformat())
    assert kinds(
        since=(today - dt.timedelta(days=1)).isoformat(),
        until=(today - dt.timedelta(days=1)).isoformat(),
    ) == [Kind.BID]
    # An unknown value is an error shown on the form, not a 500.
    bad = client.get(url, {"kind": "nonsense", "since": "not a date"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.get(url, {"person": "x"}).status_code == 200


def test_the_download_follows_the_filter_and_defuses_formulas(logged, login):
    client = login(logged.chair)
    response = client.get(export_url(logged.workshop, "csv"), {"kind": Kind.SETTINGS})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 and rows[0]["kind"] == "settings"
    assert "'=" not in rows[0]["message"]
    assert json.loads(rows[0]["changes"]) == {"Name": ["Old =HYPERLINK()", "New"]}
    record(
        workshop=logged.workshop,
        kind=Kind.SETTINGS,
        action="call_edited",
        actor=logged.chair,
        message="=cmd|'/c calc'!A1",
    )
    response = client.get(export_url(logged.workshop, "csv"), {"kind": Kind.SETTINGS})
    messages = [r["message"] for r in csv.DictReader(io.StringIO(response.content.decode()))]
    assert "'=cmd|'/c calc'!A1" in messages
    data = json.loads(client.get(export_url(logged.workshop, "json")).content)
    assert [e["kind"] for e in data["entries"]] == ["conflict", "bid", "settings", "settings"]
    assert data["entries"][0]["paper"] == 1


def test_pages_of_the_log(logged, login):
    for n in range(60):
        record(workshop=logged.workshop, kind=Kind.MAIL, action="sent", message=f"mail {n}")
    client = login(logged.chair)
    first = client.get(log_url(logged.workshop), {"per_page": 25})
    assert first.context["page"].paginator.count == 63
    assert [e.message for e in first.context["page"]][:2] == ["mail 59", "mail 58"]
    last = client.get(log_url(logged.workshop), {"per_page": 25, "page": 3})
    assert len(last.context["page"]) == 13
    assert "Page 3 of 3" in last.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_the_entries(scenario, login):
    client = login(scenario.chair)
    url = log_url(scenario.workshop)
    paper_url = reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1])

    def add(n):
        for i in range(n):
            actor = base.UserFactory()
            record(
                workshop=scenario.workshop,
                kind=Kind.ASSIGNMENT,
                action="assigned",
                actor=actor,
                submission=scenario.paper if i % 2 else scenario.other_paper,
                message=f"entry {i}",
                changes={"reviewer": (None, f"R{i}")},
            )

    add(10)
    counts = (_queries(client, url), _queries(client, paper_url))
    small_export = _queries(client, export_url(scenario.workshop, "csv"))
    add(50)
    assert (_queries(client, url), _queries(client, paper_url)) == counts
    large_export = _queries(client, export_url(scenario.workshop, "csv"))
    assert large_export == small_export <= 10
    print(
        f"\nqueries at 10 and 60 entries: log {counts[0]}, paper page {counts[1]}, "
        f"csv {large_export}"
    )


def test_the_chairs_paper_page_shows_its_entries(logged, login):
    page = login(logged.chair).get(reverse("reviews:manage_paper", args=[logged.workshop.slug, 1]))
    body = page.content.decode()
    assert 'id="paper-log-title"' in body
    assert "Former student" in body
    assert "Bid: Eager" not in body  # the other paper's
    assert f"{log_url(logged.workshop)}?paper=1" in body


def test_authors_see_only_their_papers_history(logged, login):
    set_state(logged.paper, SubmissionState.WITHDRAWN, by=logged.author, notify=False)
    page = login(logged.author).get(
        reverse("submissions:detail", args=[logged.workshop.slug, logged.paper.number])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Withdrawn" in body
    assert [e.kind for e in page.context["activities"]] == [Kind.SUBMISSION]
    assert "Uma Unassigned" not in body and "Former student" not in body
    assert "Rita" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"since": "1969-12-31"},
    ],
)
def test_a_day_out_of_range_is_a_form_error_not_a_500(logged, login, query):
    client = login(logged.chair)

    page = client.get(log_url(logged.workshop), {**query, "kind": Kind.BID})

    assert page.status_code == 200
    errors = page.context["form"].errors
    assert set(errors) == set(query)
    assert "Give a day between 01 January 1970 and 31 December 9998." in page.content.decode()
    # The field in error filters nothing; the others still do.
    assert [e.kind for e in page.context["page"]] == [Kind.BID]
    for fmt in ("csv", "json"):
        assert client.get(export_url(logged.workshop, fmt), query).status_code == 200


def test_the_first_and_last_days_allowed_filter(logged, login):
    client = login(logged.chair)
    page = client.get(log_url(logged.workshop), {"since": "1970-01-01", "until": "9998-12-31"})
    assert page.status_code == 200 and not page.context["form"].errors
    assert len(page.context["page"]) == Entry.objects.filter(workshop=logged.workshop).count()
