"""The chair's charts: what they count, whom they leave out, and their query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from charts import geometry, queries
from reviews.models import Decision
from tests import factories as base
from tests.reviews.test_queries import add_papers, count
from tests.scenarios import submit_review

PAGES = ["charts:deadline", "charts:reviewing", "charts:scores", "charts:decisions"]


def url(scenario, name, query=""):
    return reverse(name, args=[scenario.workshop.slug]) + query


# --- The builders -----------------------------------------------------------------------------


def test_bars_share_one_scale_and_stack_their_segments():
    chart = geometry.bar_chart(
        "Loads", [("Ann", {"a": 2, "b": 2}), ("Bob", {"a": 1})], [("a", "A"), ("b", "B")]
    )
    ann, bob = chart.rows
    assert ann.total == 4 and bob.total == 1
    assert ann.segments[1].x == pytest.approx(ann.segments[0].x + ann.segments[0].width, abs=0.2)
    assert bob.segments[0].width == pytest.approx(ann.segments[0].width / 2, abs=0.2)


def test_timeline_accumulates_and_places_marks_inside_bins():
    chart = geometry.timeline(
        "T", [("d1", {"s": 2}), ("d2", {}), ("d3", {"s": 1})], [("s", "S")], marks=[("m", "M", 1.5)]
    )
    assert [b.cumulative["s"] for b in chart.bins] == [2, 2, 3]
    (_, _, x), step = chart.marks[0], (chart.width - 50) / 3
    assert x == pytest.approx(40 + 1.5 * step, abs=0.1)


def test_range_dot_flags_disagreement():
    calm = geometry.range_dot([4, 4, 5], levels=6, confidences=[3, 4])
    split = geometry.range_dot([1, 5], levels=6)
    assert (calm.mean, calm.low, calm.high, calm.confidence) == (4.33, 4, 5, 3.5)
    assert not calm.disagree and split.disagree
    assert calm.low_x < calm.dot_x < calm.high_x
    assert geometry.range_dot([], levels=6) is None


# --- The pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_chart_pages_are_for_chairs_only(scenario, login, name):
    assert login(scenario.assigned).get(url(scenario, name)).status_code == 404
    response = login(scenario.chair).get(url(scenario, name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<table" in html  # the numbers beside the picture


@pytest.fixture
def reviewers(scenario):
    return [scenario.assigned, scenario.unassigned] + [
        base.member(scenario.workshop, "reviewer") for _ in range(2)
    ]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("query", ["", "?sort=name", "?sort=mean&all=1"])
def test_chart_queries_constant(scenario, reviewers, login, name, query):
    add_papers(scenario, 0, 1, reviewers[:1])
    client = login(scenario.chair)
    few = count(client, url(scenario, name, query))

    add_papers(scenario, 1, 8, reviewers)
    for i, paper in enumerate(scenario.workshop.submissions.filter(number__gt=100)):
        Decision.objects.create(submission=paper, outcome="reject" if i % 2 else "accept_talk")
    many = count(client, url(scenario, name, query))

    assert many == few


# --- What they count ----------------------------------------------------------------------------


@pytest.fixture
def reviewed(scenario):
    """The conflicted paper reviewed (recommendation 1) and rejected; the other paper reviewed
    by two reviewers far apart and accepted as a talk."""
    submit_review(scenario.assignment, scenario.criteria, recommendation=1, confidence=5)
    Decision.objects.create(submission=scenario.paper, outcome="reject")
    for ordinal, (reviewer, score) in enumerate(
        ((scenario.assigned, 2), (scenario.unassigned, 6)), 1
    ):
        a = base.AssignmentFactory(
            submission=scenario.other_paper, reviewer=reviewer, ordinal=ordinal
        )
        submit_review(a, scenario.criteria, recommendation=score)
    Decision.objects.create(submission=scenario.other_paper, outcome="accept_talk")
    return scenario


def test_a_conflicted_chair_charts_leave_the_paper_out(reviewed, login):
    s = reviewed
    full = queries.scores_data(s.chair, s.workshop)
    blind = queries.scores_data(s.conflicted_chair, s.workshop)
    assert [p["number"] for p in full["papers"]] == [2, 1]  # most disagreement first
    assert [p["number"] for p in blind["papers"]] == [2]
    assert sum(r.total for r in full["per_criterion"][0].rows) == 3
    assert sum(r.total for r in blind["per_criterion"][0].rows) == 2

    assert [p[2] for p in queries.decisions_data(s.chair, s.workshop)["parts"]] == [1, 0, 0, 1, 0]
    assert [p[2] for p in queries.decisions_data(s.conflicted_chair, s.workshop)["parts"]] == [
        1,
        0,
        0,
        0,
        0,
    ]
    assert queries.reviewing_data(s.conflicted_chair, s.workshop)["totals"]["assigned"] == 2
    assert queries.reviewing_data(s.chair, s.workshop)["totals"]["assigned"] == 3
    assert queries.deadline_data(s.conflicted_chair, s.workshop)["summary"]["submitted"] == 1
    assert queries.deadline_data(s.chair, s.workshop)["summary"]["submitted"] == 2

    for name in PAGES:
        html = login(s.conflicted_chair).get(url(s, name)).content.decode()
        assert s.paper.title not in html


def test_decisions_imply_a_threshold(reviewed, login):
    html = login(reviewed.chair).get(url(reviewed, "charts:decisions")).content.decode()
    assert "lowest mean recommendation accepted is <strong>4.0</strong>" in html
    assert "highest rejected is <strong>1.0</strong>" in html


def test_scores_show_disagreement_and_confidence(reviewed, login):
    html = login(reviewed.chair).get(url(reviewed, "charts:scores")).content.decode()
    assert "4.0 (2–6, n=2) · conf. 3.0" in html
    assert "disagree</span>" in html


def test_reviewers_sortable_by_query_parameter(reviewed, login):
    late = base.member(reviewed.workshop, "reviewer", full_name="Zed Late")
    base.AssignmentFactory(
        submission=reviewed.other_paper,
        reviewer=late,
        ordinal=3,
        due_at=timezone.now() - dt.timedelta(days=1),
    )
    data = queries.reviewing_data(reviewed.chair, reviewed.workshop)
    assert data["reviewers"][0]["name"] == "Zed Late" and data["reviewers"][0]["late"] == 1
    by_name = queries.reviewing_data(reviewed.chair, reviewed.workshop, sort="name")
    assert by_name["reviewers"][-1]["name"] == "Zed Late"
    html = login(reviewed.chair).get(url(reviewed, "charts:reviewing", "?sort=name")).content
    names = html.decode()
    assert names.index("Uma Unassigned") < names.index("Zed Late")
    assert by_name["by_count"].rows[2].total == 1  # one paper with two submitted reviews


def test_deadline_counts_drafts_without_pdf_and_marks_the_extension(scenario, login):
    base.SubmissionFactory(workshop=scenario.workshop, number=9)  # a draft, no file
    date = scenario.workshop.dates.get(kind="paper_submission")
    date.extended_at = date.original_at + dt.timedelta(days=2)
    date.save()
    data = queries.deadline_data(scenario.chair, scenario.workshop)
    assert data["summary"]["drafts"] == 1 and data["summary"]["drafts_without_pdf"] == 1
    assert [m[0] for m in data["chart"].marks] == ["deadline", "extension"]
    html = login(scenario.chair).get(url(scenario, "charts:deadline")).content.decode()
    assert 'class="mark mark-extension"' in html


def test_decision_dashboard_shows_each_papers_spread(reviewed, reviewers, login):
    page = url(reviewed, "reviews:decisions")
    html = login(reviewed.chair).get(page).content.decode()
    assert "4.0 (2–6, n=2)" in html and "1.0 (1–1, n=1) · conf. 5.0" in html
    assert "1.0 (1–1" not in login(reviewed.conflicted_chair).get(page).content.decode()

    client = login(reviewed.chair)
    few = count(client, page)
    add_papers(reviewed, 0, 6, reviewers)
    assert count(client, page) == few


def test_deadline_bins_are_days_then_hours_whatever_the_minute_of_the_deadline():
    import zoneinfo

    tz = zoneinfo.ZoneInfo("UTC")
    deadline = dt.datetime(2026, 3, 10, 23, 59, tzinfo=tz)
    starts, labels = queries._bins(deadline - dt.timedelta(days=5), deadline, deadline, tz)
    hours = [s for s in starts if s >= deadline.replace(minute=0) - queries.HOURLY_BEFORE]
    assert labels[0] == "Mar 5" and len(hours) == 49
    assert all(b - a == dt.timedelta(hours=1) for a, b in zip(hours, hours[1:], strict=False))


def test_long_lists_show_the_first_hundred_until_asked(reviewed, monkeypatch):
    monkeypatch.setattr(queries, "SHOWN", 1)
    data = queries.scores_data(reviewed.chair, reviewed.workshop)
    assert [p["number"] for p in data["papers"]] == [2] and data["hidden"] == 1
    everything = queries.scores_data(reviewed.chair, reviewed.workshop, show_all=True)
    assert len(everything["papers"]) == 2 and everything["hidden"] == 0
    assert queries.reviewing_data(reviewed.chair, reviewed.workshop)["hidden"] == 1
