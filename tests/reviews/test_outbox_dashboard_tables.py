"""The outbox and the review dashboard as toolkit tables: pages, filters, sorting, columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mail.models import EmailState, OutgoingEmail


def make_mails(s, n, role="submission.received", start=0, **fields):
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            workshop=s.workshop,
            recipient=f"person{i}@example.org",
            subject=f"Mail {i:03d}",
            body=f"Body of mail {i:03d}",
            template_role=role,
            idempotency_key=f"test:{role}:{i}",
            **fields,
        )
        for i in range(start, start + n)
    )


def outbox_url(s, **params):
    from urllib.parse import urlencode

    url = reverse("reviews:outbox", args=[s.workshop.slug])
    return f"{url}?{urlencode(params)}" if params else url


def subjects(response):
    return [e.subject for e in response.context["page"]]


@pytest.mark.django_db
def test_outbox_pages_of_fifty_newest_first(scenario, login):
    OutgoingEmail.objects.all().delete()
    make_mails(scenario, 60)
    client = login(scenario.chair)

    first = client.get(outbox_url(scenario))
    second = client.get(outbox_url(scenario, page=2))

    assert len(subjects(first)) == 50 and len(subjects(second)) == 10
    assert set(subjects(first)).isdisjoint(subjects(second))
    html = first.content.decode()
    assert "1–50 of 60" in html and 'rel="next"' in html
    assert '<details class="mail-body">' in html and "Body of mail" in html


@pytest.mark.django_db
def test_outbox_filters_by_state_kind_and_recipient(scenario, login):
    OutgoingEmail.objects.all().delete()
    make_mails(scenario, 3)
    make_mails(scenario, 2, role="review.assigned", start=10, state=EmailState.FAILED)
    client = login(scenario.chair)

    assert len(subjects(client.get(outbox_url(scenario, kind="review.assigned")))) == 2
    assert len(subjects(client.get(outbox_url(scenario, state="failed")))) == 2
    assert subjects(client.get(outbox_url(scenario, q="person11@"))) == ["Mail 011"]
    assert subjects(client.get(outbox_url(scenario, sort="subject")))[:2] == [
        "Mail 000",
        "Mail 001",
    ]
    # An unknown kind is ignored rather than matching nothing by accident.
    assert len(subjects(client.get(outbox_url(scenario, kind="nope")))) == 5
    assert "Review: assigned" in client.get(outbox_url(scenario)).content.decode()


@pytest.mark.django_db
def test_outbox_queries_constant(scenario, login):
    client = login(scenario.chair)
    make_mails(scenario, 3)
    url = outbox_url(scenario)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    make_mails(scenario, 80, start=100)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) == few


@pytest.mark.django_db
def test_dashboard_headers_sort_and_titles_keep_their_full_text(scenario, login):
    client = login(scenario.chair)
    url = reverse("reviews:manage", args=[scenario.workshop.slug])

    by_title = client.get(url + "?sort=title")
    reverse_title = client.get(url + "?sort=-title")

    assert [r.number for r in by_title.context["rows"]] == [2, 1]
    assert [r.number for r in reverse_title.context["rows"]] == [1, 2]
    html = by_title.content.decode()
    assert 'title="Robust training under label noise"' in html
    assert 'aria-sort="ascending"' in html and 'href="?sort=-title"' in html
    # The conflicted chair's dashboard never lists the conflicted paper.
    rows = login(scenario.conflicted_chair).get(url).context["rows"]
    assert [r.number for r in rows] == [2]
