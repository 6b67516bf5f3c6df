"""The chairs' exports: every dataset in CSV and JSON, only the papers the chair may manage,
only for chairs, formula cells defused."""

import csv
import io
import json

import pytest
from django.urls import reverse

from publication.exports import DATASETS
from publication.models import PublicationSettings, TermsKind
from tests import factories

from .helpers import add_camera_ready, decided_paper, release

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def world(media_root):
    workshop = factories.WorkshopFactory()
    PublicationSettings.objects.create(
        workshop=workshop,
        terms_kind=TermsKind.COPYRIGHT,
        terms_title="Copyright form",
        terms_version="2026-1",
    )
    criteria = [
        factories.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1),
        factories.ReviewCriterionFactory(workshop=workshop, name="Clarity", order=2),
    ]
    chair = factories.member(workshop, "chair", full_name="Carla Chair")
    conflicted = factories.member(workshop, "chair", full_name="Conny Conflicted")
    reviewer = factories.member(workshop, "reviewer", full_name="Rita Reviewer-Jones")
    rel = release(workshop)
    secret = decided_paper(workshop, 1, rel=rel, title="Secret conflicted paper")
    poster = decided_paper(workshop, 2, outcome="accept_poster", rel=rel, title=FORMULA)
    rejected = decided_paper(workshop, 3, outcome="reject", rel=rel, title="Rejected paper")
    staged = decided_paper(workshop, 4, released=False, title="Staged paper")
    factories.ConflictFactory(submission=secret, user=conflicted)
    author = factories.UserFactory()
    factories.AuthorshipFactory(submission=secret, user=author, email=author.email, order=5)
    for paper in (secret, poster, rejected):
        assignment = factories.AssignmentFactory(submission=paper, reviewer=reviewer, ordinal=1)
        review = factories.ReviewFactory(
            assignment=assignment, summary=f"Summary of {paper.number}", comments="+1 from me"
        )
        for value, criterion in enumerate(criteria, start=2):
            factories.ReviewScoreFactory(review=review, criterion=criterion, value=value)
    add_camera_ready(secret, pages=4, orcid="0000-0002-1825-0097")
    add_camera_ready(poster, pages=2, terms=False, confirm=False)
    users = {
        "chair": chair,
        "conflicted": conflicted,
        "reviewer": reviewer,
        "author": author,
        "other_chair": factories.member(factories.WorkshopFactory(), "chair"),
    }
    papers = {"secret": secret, "poster": poster, "rejected": rejected, "staged": staged}
    return workshop, users, papers


def _get(client, workshop, dataset, fmt):
    return client.get(reverse("exports:download", args=[workshop.slug, dataset, fmt]))


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _json(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["rows"]


def test_exports_page_lists_every_dataset(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    page = client.get(reverse("exports:index", args=[workshop.slug])).content.decode()
    for name in DATASETS:
        assert reverse("exports:download", args=[workshop.slug, name, "csv"]) in page
        assert reverse("exports:download", args=[workshop.slug, name, "json"]) in page
    assert "not archival" in page


def test_submissions_export_reuses_the_submissions_columns(client, world):
    from submissions.export import HEADER

    workshop, users, papers = world
    client.force_login(users["chair"])
    rows = _csv(_get(client, workshop, "submissions", "csv"))
    assert list(rows[0]) == HEADER
    assert [r["number"] for r in rows] == ["1", "2", "3", "4"]
    records = _json(_get(client, workshop, "submissions", "json"))
    assert [r["number"] for r in records] == [1, 2, 3, 4]
    assert records[1]["title"] == FORMULA


def test_reviews_export_has_scores_texts_and_reviewers_for_chairs(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    rows = _csv(_get(client, workshop, "reviews", "csv"))
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    row = rows[0]
    assert row["reviewer"] == "Reviewer 1"
    assert row["reviewer_name"] == "Rita Reviewer-Jones"
    assert row["score: Novelty"] == "2" and row["score: Clarity"] == "3"
    assert row["recommendation"] == "4" and row["recommendation_label"] == "Weak accept"
    assert row["confidence"] == "3"
    assert row["summary"] == "Summary of 1"
    assert row["confidential_note"] == "Secret note for the chairs."
    assert row["comments_to_authors"] == "'+1 from me"  # defused in CSV
    records = _json(_get(client, workshop, "reviews", "json"))
    assert records[0]["comments_to_authors"] == "+1 from me"  # JSON keeps the text as typed
    assert records[0]["score: Novelty"] == 2


def test_decisions_export_staged_and_released(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    rows = _csv(_get(client, workshop, "decisions", "csv"))
    assert [(r["number"], r["outcome"], r["released"]) for r in rows] == [
        ("1", "accept_talk", "yes"),
        ("2", "accept_poster", "yes"),
        ("3", "reject", "yes"),
        ("4", "accept_talk", "no"),
    ]


def test_camera_ready_status_export(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    records = {r["number"]: r for r in _json(_get(client, workshop, "camera-ready", "json"))}
    assert set(records) == {1, 2}  # the released accepted papers only
    assert records[1]["uploaded"] is True and records[1]["pages"] == 4
    assert records[1]["terms_accepted"] is True and records[1]["terms_version"] == "2026-1"
    assert records[1]["metadata_confirmed"] is True
    assert records[2]["terms_accepted"] is False and records[2]["metadata_confirmed"] is False
    rows = _csv(_get(client, workshop, "camera-ready", "csv"))
    assert rows[0]["uploaded"] == "yes" and rows[1]["terms_accepted"] == "no"


def test_accepted_export_prints_the_final_metadata(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    records = _json(_get(client, workshop, "accepted", "json"))
    assert [r["number"] for r in records] == [1, 2]
    assert records[0]["title"] == "Secret conflicted paper (final)"
    assert records[0]["authors"][0] == {
        "name": "Final Author 1.0",
        "affiliation": "Final Uni 0",
        "orcid": "0000-0002-1825-0097",
    }
    rows = _csv(_get(client, workshop, "accepted", "csv"))
    assert "Final Author 1.0 (Final Uni 0) [ORCID 0000-0002-1825-0097]" in rows[0]["authors"]
    assert rows[1]["title"] == "'" + FORMULA  # defused
    assert rows[1]["outcome_label"] == "Poster"


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_conflicted_chair_gets_no_row_about_the_paper(client, world, dataset, fmt):
    workshop, users, papers = world
    client.force_login(users["conflicted"])
    response = _get(client, workshop, dataset, fmt)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Secret conflicted paper" not in body
    assert "Summary of 1" not in body and "Final Author 1.0" not in body
    numbers = (
        [r["number"] for r in _json(response)]
        if fmt == "json"
        else [int(r["number"]) for r in _csv(response)]
    )
    assert 1 not in numbers
    if dataset in ("submissions", "decisions", "reviews"):
        assert 2 in numbers


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("reviewer", 403), ("author", 403), ("other_chair", 403)],
)
def test_non_chairs_are_refused(client, world, dataset, role, status):
    workshop, users, papers = world
    if role != "anonymous":
        client.force_login(users[role])
    for fmt in ("csv", "json"):
        response = _get(client, workshop, dataset, fmt)
        assert response.status_code == status
        assert "Content-Disposition" not in response
        if status == 302:
            assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("exports:index", args=[workshop.slug])).status_code == status


def test_a_draft_workshop_is_404_to_others(client, world):
    workshop, users, papers = world
    workshop.is_published = False
    workshop.save()
    client.force_login(users["other_chair"])
    assert _get(client, workshop, "submissions", "csv").status_code == 404


def test_unknown_dataset_or_format_is_404(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    assert _get(client, workshop, "passwords", "csv").status_code == 404
    assert _get(client, workshop, "reviews", "xlsx").status_code == 404


def test_exports_tab_in_the_chair_navigation(client, world):
    workshop, users, papers = world
    client.force_login(users["chair"])
    page = client.get(reverse("exports:index", args=[workshop.slug])).content.decode()
    assert 'aria-current="page">Exports</a>' in page
    assert reverse("publication:camera_table", args=[workshop.slug]) in page  # "Publication"


def test_reviews_export_has_a_column_per_custom_question(client, world):
    from reviews.models import Review
    from tests.review_forms.helpers import answer, question

    workshop, users, papers = world
    code = question(workshop, "Code available?", kind="choice", visibility="chairs")
    notes = question(workshop, "Notes for the chairs", visibility="committee")
    reviews = {r.assignment.submission.number: r for r in Review.objects.all()}
    answer(reviews[1], code, "Beta")
    answer(reviews[1], notes, FORMULA)
    answer(reviews[3], notes, "Fine")
    client.force_login(users["chair"])

    rows = _csv(_get(client, workshop, "reviews", "csv"))
    header = list(rows[0])
    assert header.index("question: Code available?") > header.index("score: Clarity")
    assert header.index("question: Notes for the chairs") < header.index("summary")
    by_number = {r["number"]: r for r in rows}
    assert by_number["1"]["question: Code available?"] == "Beta"
    assert by_number["1"]["question: Notes for the chairs"] == "'" + FORMULA  # defused
    assert by_number["2"]["question: Code available?"] == ""
    assert by_number["3"]["question: Notes for the chairs"] == "Fine"

    records = {r["number"]: r for r in _json(_get(client, workshop, "reviews", "json"))}
    assert records[1]["question: Notes for the chairs"] == FORMULA
    assert records[1]["question: Code available?"] == "Beta"
    assert records[2]["question: Code available?"] == ""
