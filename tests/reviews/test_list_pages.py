"""The chairs' lists in pages: the submissions list, the review dashboard and the decisions page.

Page 2 shows the next papers, filters and sorting carry over, bulk actions touch only the
ticked papers, exports stay complete, a conflicted chair's paper is never shown or counted,
and every page runs the same number of queries at 3 papers as at 60.
"""

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.enums import Phase, ReviewState
from reviews.models import Assignment, Decision, Review, ReviewScore
from submissions.enums import SubmissionState
from submissions.models import Authorship, PaperTag, Submission, SubmissionFile
from tests.scenarios import set_phase

pytestmark = pytest.mark.django_db


def add_papers(s, n, *, reviewers=(), recommendations=None, start=3):
    """``n`` more submitted papers numbered from ``start``, each with an author, a PDF and a
    submitted review by each of ``reviewers`` (recommendation ``recommendations(number)``)."""
    papers = Submission.objects.bulk_create(
        Submission(
            workshop=s.workshop,
            number=number,
            title=f"Bulk paper {number:03d}",
            created_by=s.unrelated_author,
            state=SubmissionState.SUBMITTED,
        )
        for number in range(start, start + n)
    )
    Authorship.objects.bulk_create(
        Authorship(submission=p, name=f"Writer {p.number}", email=f"w{p.number}@x.example")
        for p in papers
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(submission=p, version=1, file="x.pdf", sha256="0" * 64, size=1, pages=4)
        for p in papers
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(submission=p, reviewer=r, ordinal=k + 1)
        for p in papers
        for k, r in enumerate(reviewers)
    )
    recommend = recommendations or (lambda number: 4)
    reviews = Review.objects.bulk_create(
        Review(
            assignment=a,
            state=ReviewState.SUBMITTED,
            recommendation=recommend(a.submission.number),
            confidence=3,
            submitted_at=timezone.now(),
        )
        for a in assignments
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=r, criterion=c, value=2) for r in reviews for c in s.criteria
    )
    return papers


def url(name, s, **params):
    base = reverse(name, args=[s.workshop.slug])
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def numbers(response):
    rows = response.context["rows"]
    if rows and isinstance(rows[0], dict):  # the submissions list's and the decisions page's
        return [(r.get("submission") or r["paper"]).number for r in rows]
    return [r.number for r in rows]


def next_link(response) -> str:
    found = re.search(r'<a href="([^"]*)" rel="next"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else ""


# --- the submissions list ----------------------------------------------------------------------


def test_submissions_list_page_two_shows_the_next_papers(scenario, login):
    add_papers(scenario, 58)  # 60 papers
    client = login(scenario.chair)

    first = client.get(url("submissions:manage_list", scenario, per_page=25))
    second = client.get(url("submissions:manage_list", scenario, per_page=25, page=2))
    last = client.get(url("submissions:manage_list", scenario, per_page=25, page=3))

    assert numbers(first) == list(range(1, 26))
    assert numbers(second) == list(range(26, 51))
    assert numbers(last) == list(range(51, 61))
    html = second.content.decode()
    assert "26–50 of 60" in html and "Page 2 of 3" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    # The page size is a choice of the chair (a plain GET form, no JavaScript needed).
    assert '<select id="submissions-per-page" name="per_page">' in html


def test_submissions_list_keeps_filters_and_sort_across_pages(scenario, login):
    papers = add_papers(scenario, 58)
    Submission.objects.filter(pk__in=[p.pk for p in papers[::2]]).update(
        state=SubmissionState.WITHDRAWN
    )
    client = login(scenario.chair)
    params = {"state": "submitted", "sort": "-number", "per_page": 25}

    first = client.get(url("submissions:manage_list", scenario, **params))
    link = next_link(first)
    second = client.get(reverse("submissions:manage_list", args=[scenario.workshop.slug]) + link)

    submitted = sorted(
        Submission.objects.filter(workshop=scenario.workshop, state="submitted").values_list(
            "number", flat=True
        ),
        reverse=True,
    )
    assert len(submitted) == 31
    assert "state=submitted" in link and "sort=-number" in link and "page=2" in link
    assert numbers(first) == submitted[:25]
    assert numbers(second) == submitted[25:]
    assert "26–31 of 31" in second.content.decode()


def test_bulk_action_from_page_two_acts_on_the_ticked_papers_only(scenario, login):
    add_papers(scenario, 58)
    client = login(scenario.chair)
    back = "?per_page=25&page=2"

    response = client.post(
        reverse("submissions:bulk", args=[scenario.workshop.slug]),
        {
            "action": "tag_add",
            "tag": "shortlist",
            "selected": [27, 33],
            "back": back,
            "confirm": "1",
        },
    )

    tagged = PaperTag.objects.filter(workshop=scenario.workshop, name="shortlist")
    assert sorted(tagged.values_list("submission__number", flat=True)) == [27, 33]
    assert response.status_code == 302 and response["Location"].endswith(back)
    # The list the chair comes back to is page 2 with the two tags shown.
    page = client.get(response["Location"])
    assert numbers(page) == list(range(26, 51))
    assert page.content.decode().count("#shortlist</a>") == 2


def test_bulk_action_on_every_matching_paper_names_them_before_acting(scenario, login):
    papers = add_papers(scenario, 58)
    Submission.objects.filter(pk__in=[p.pk for p in papers[::2]]).update(
        state=SubmissionState.WITHDRAWN
    )
    client = login(scenario.conflicted_chair)
    bulk = reverse("submissions:bulk", args=[scenario.workshop.slug])
    back = "?state=submitted&per_page=25&page=2"
    assert (
        "Apply to all 30 papers of this list"
        in client.get(
            url("submissions:manage_list", scenario, state="submitted", per_page=25, page=2)
        ).content.decode()
    )

    confirm = client.post(
        bulk, {"action": "tag_add", "tag": "all", "matching": "1", "selected": [4], "back": back}
    )

    # Paper 1 matches the search but is the conflicted chair's own: neither named nor touched.
    expected = sorted(
        Submission.objects.filter(workshop=scenario.workshop, state="submitted")
        .exclude(number=1)
        .values_list("number", flat=True)
    )
    assert [p.number for p in confirm.context["papers"]] == expected and len(expected) == 30
    assert not PaperTag.objects.filter(name="all").exists()  # nothing before the confirmation
    html = confirm.content.decode()
    client.post(
        bulk,
        {
            "action": "tag_add",
            "tag": "all",
            "confirm": "1",
            "back": back,
            "selected": re.findall(r'name="selected" value="(\d+)"', html),
        },
    )
    tagged = PaperTag.objects.filter(workshop=scenario.workshop, name="all")
    assert sorted(tagged.values_list("submission__number", flat=True)) == expected


def test_export_from_any_page_is_complete(scenario, login):
    add_papers(scenario, 58)
    client = login(scenario.chair)

    response = client.get(
        reverse("submissions:export_csv", args=[scenario.workshop.slug])
        + "?per_page=25&page=3&sort=-number"
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 60


def test_conflicted_chair_never_sees_or_counts_the_paper_on_any_page(scenario, login):
    add_papers(scenario, 58, reviewers=[scenario.assigned])
    set_phase(scenario.workshop, Phase.DISCUSSION)
    Decision.objects.create(submission=scenario.paper, outcome="accept", decided_by=scenario.chair)
    client = login(scenario.conflicted_chair)

    seen, pages = [], []
    for name in ("submissions:manage_list", "reviews:manage", "reviews:decisions"):
        for page in (1, 2, 3):
            response = client.get(url(name, scenario, per_page=25, page=page))
            seen += numbers(response)
            pages.append(response.content.decode())
        assert "2–26 of 59" not in pages[-3]
        assert "1–25 of 59" in pages[-3]
    assert 1 not in seen
    assert not any(scenario.paper.title in html for html in pages)
    listing = client.get(url("submissions:manage_list", scenario))
    assert listing.context["total"] == 59
    assert dict((v, n) for v, _, n in listing.context["state_counts"])["submitted"] == 59
    # Paper 1's staged decision is not the conflicted chair's to see, nor to count.
    assert client.get(url("reviews:decisions", scenario)).context["staged_count"] == 0
    assert (
        login(scenario.chair).get(url("reviews:decisions", scenario)).context["staged_count"] == 1
    )


# --- the review dashboard ----------------------------------------------------------------------


def test_dashboard_sorts_every_paper_before_cutting_pages(scenario, login):
    # Recommendation = 1 + number modulo 6: the best papers spread over the whole range.
    add_papers(
        scenario, 58, reviewers=[scenario.assigned], recommendations=lambda number: 1 + number % 6
    )
    client = login(scenario.chair)

    first = client.get(url("reviews:manage", scenario, sort="mean", per_page=25))
    second = client.get(url("reviews:manage", scenario, sort="mean", per_page=25, page=2))
    third = client.get(url("reviews:manage", scenario, sort="mean", per_page=25, page=3))

    ranked = sorted(range(3, 61), key=lambda n: (-(n % 6), n)) + [1, 2]  # no reviews: last
    assert numbers(first) + numbers(second) + numbers(third) == ranked
    html = first.content.decode()
    assert '<td class="num">6.00</td>' in html  # the mean, formatted once
    assert "1–25 of 60" in html


def test_dashboard_figures_per_paper(scenario, login):
    from tests import factories as base

    third = base.member(scenario.workshop, "reviewer")
    add_papers(
        scenario,
        1,
        reviewers=[scenario.assigned, scenario.unassigned, third],
        recommendations=lambda number: 1,
    )
    Review.objects.filter(assignment__reviewer=scenario.unassigned).update(recommendation=4)
    Review.objects.filter(assignment__reviewer=third).update(
        recommendation=6, state=ReviewState.DRAFT
    )
    client = login(scenario.chair)

    row = next(
        r
        for r in client.get(url("reviews:manage", scenario, cols="std")).context["rows"]
        if r.number == 3
    )

    assert (row.assigned, row.submitted, row.missing) == (3, 2, 1)
    assert (row.mean_text, row.spread_text, row.stdev_text) == ("2.50", "3", "1.50")
    assert row.criteria_list == []  # criteria columns hidden by the chair's choice
    assert row.url == reverse("reviews:manage_paper", args=[scenario.workshop.slug, 3])


def test_reviewer_loads_counted_per_reviewer(scenario, login):
    import datetime as dt

    from reviews.enums import AssignmentState
    from reviews.services.dashboard import reviewer_rows

    past = timezone.now() - dt.timedelta(days=1)
    p2, p3, p4, p5 = add_papers(scenario, 4)
    reviewer = scenario.assigned
    Assignment.objects.bulk_create(
        [
            Assignment(submission=p2, reviewer=reviewer, ordinal=1, due_at=past),
            Assignment(submission=p3, reviewer=reviewer, ordinal=1, due_at=past),
            Assignment(submission=p4, reviewer=reviewer, ordinal=1, state=AssignmentState.DECLINED),
            Assignment(submission=p5, reviewer=reviewer, ordinal=1),  # the workshop's date
        ]
    )
    Review.objects.create(
        assignment=Assignment.objects.get(submission=p3),
        state=ReviewState.SUBMITTED,
        recommendation=3,
        confidence=3,
        submitted_at=timezone.now(),
    )
    Review.objects.create(assignment=Assignment.objects.get(submission=p5))  # a draft

    def load(user):
        row = next(r for r in reviewer_rows(scenario.workshop, user=user) if r.pk == reviewer.pk)
        return row.assigned, row.submitted, row.late, row.declined

    # Paper 1 (due in ten days), 2 (late), 3 (submitted), 5 (draft, due in ten days); 4 declined.
    assert load(scenario.chair) == (4, 1, 1, 1)
    # Paper 1 is the conflicted chair's own: not counted.
    assert load(scenario.conflicted_chair) == (3, 1, 1, 1)
    # Once the workshop's review date has passed, the draft without a date of its own is late.
    later = timezone.now() + dt.timedelta(days=11)
    row = next(
        r
        for r in reviewer_rows(scenario.workshop, user=scenario.chair, now=later)
        if r.pk == reviewer.pk
    )
    assert row.late == 3  # papers 1, 2 and 5


# --- the decisions page ------------------------------------------------------------------------


def test_decisions_page_in_pages_and_back_to_the_same_page_without_javascript(scenario, login):
    add_papers(scenario, 58, reviewers=[scenario.assigned])
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(scenario.chair)

    second = client.get(url("reviews:decisions", scenario, per_page=25, page=2))
    assert [r["paper"].number for r in second.context["rows"]] == list(range(26, 51))
    assert "26–50 of 60" in second.content.decode()

    here = url("reviews:decisions", scenario, per_page=25, page=2)
    response = client.post(
        reverse("reviews:decision_stage", args=[scenario.workshop.slug, 30]),
        {"outcome": "reject", "next": here},
    )

    assert response.status_code == 302 and response["Location"] == here
    assert Decision.objects.get(submission__number=30, submission__workshop=scenario.workshop)
    again = client.get(here)
    assert again.context["staged_count"] == 1
    assert '<span class="badge warn">Staged, not sent</span>' in again.content.decode()


# --- query counts ------------------------------------------------------------------------------


def count(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("submissions:manage_list", {}),
        ("submissions:manage_list", {"sort": "-title", "per_page": 25, "page": 2}),
        ("submissions:manage_list", {"q": "bulk", "cols": ["authors", "topics", "tags"]}),
        ("reviews:manage", {"sort": "mean", "cols": ["std", "confidence"]}),
        ("reviews:decisions", {"per_page": 25, "page": 2}),
    ],
)
def test_list_queries_constant(scenario, login, name, params):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(scenario.chair)
    address = url(name, scenario, **params)
    add_papers(scenario, 1, reviewers=[scenario.assigned])
    few = count(client, address)

    add_papers(scenario, 57, reviewers=[scenario.assigned, scenario.unassigned], start=4)
    PaperTag.objects.bulk_create(
        PaperTag(workshop=scenario.workshop, submission=p, name="t")
        for p in Submission.objects.filter(workshop=scenario.workshop)
    )
    many = count(client, address)

    assert many == few
