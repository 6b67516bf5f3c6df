"""The chairs' pages: run → proposal → edits → commit, access and CSV import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.models import Assignment, AssignmentRun, ImportedAffinity, ProposedPair, RunState
from tests import factories

from .conftest import make_venue

pytestmark = pytest.mark.django_db

RUN_DATA = {
    "reviewers_per_paper": 2,
    "min_load": 0,
    "max_load": 3,
    "use_profile_loads": "on",
    "weight_bid": 1,
    "weight_topic": 1,
    "weight_text": 1,
    "weight_imported": 1,
}


def index_url(venue):
    return reverse("autoassign:index", args=[venue.workshop.slug])


def start_run(client, venue, **extra) -> AssignmentRun:
    response = client.post(index_url(venue), {**RUN_DATA, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return AssignmentRun.objects.filter(workshop=venue.workshop).latest("pk")


@pytest.fixture
def chair_client(client, venue, django_capture_on_commit_callbacks):
    client.force_login(venue.chair)
    return client


def test_web_flow_run_edit_commit_queues_each_email_once(
    chair_client, venue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue)
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.message

    page = chair_client.get(reverse("autoassign:run", args=[venue.workshop.slug, run.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Proven optimal" in html
    assert "Reviewer A" in html  # chairs see reviewer names
    assert 'http-equiv="refresh"' not in html

    commit_url = reverse("autoassign:commit", args=[venue.workshop.slug, run.pk])
    assert "<strong>12</strong> new assignments" in " ".join(
        chair_client.get(commit_url).content.decode().split()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(commit_url)
    assert response.status_code == 302
    assert Assignment.objects.filter(submission__workshop=venue.workshop).count() == 12
    assert OutgoingEmail.objects.count() == 12
    recipients = sorted(OutgoingEmail.objects.values_list("recipient", flat=True))
    expected = sorted(
        Assignment.objects.filter(submission__workshop=venue.workshop).values_list(
            "reviewer__email", flat=True
        )
    )
    assert recipients == expected

    with django_capture_on_commit_callbacks(execute=True):
        again = chair_client.post(commit_url, follow=True)
    assert "already committed" in again.content.decode()
    assert OutgoingEmail.objects.count() == 12
    assert Assignment.objects.filter(submission__workshop=venue.workshop).count() == 12


def test_eager_task_delivers_the_emails(
    chair_client, venue, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue)
    with django_capture_on_commit_callbacks(execute=True):
        chair_client.post(reverse("autoassign:commit", args=[venue.workshop.slug, run.pk]))

    assert len(mailoutbox) == 12
    assert all("Review assignment: paper #" in m.subject for m in mailoutbox)
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_conflicts_are_never_proposed_nor_committed(
    chair_client, venue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue)
    with django_capture_on_commit_callbacks(execute=True):
        chair_client.post(reverse("autoassign:commit", args=[venue.workshop.slug, run.pk]))

    for paper, reviewer in venue.conflicts:
        assert not ProposedPair.objects.filter(submission=paper, reviewer=reviewer).exists()
        assert not Assignment.objects.filter(submission=paper, reviewer=reviewer).exists()


def test_adding_a_conflicted_pair_is_refused_with_a_message(
    chair_client, venue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue)
    paper, reviewer = venue.conflicts[0]

    response = chair_client.post(
        reverse("autoassign:pair_add", args=[venue.workshop.slug, run.pk]),
        {"number": paper.number, "reviewer": reviewer.pk},
        follow=True,
    )

    assert "conflict of interest" in response.content.decode()
    assert not ProposedPair.objects.filter(run=run, submission=paper, reviewer=reviewer).exists()


def test_remove_and_add_a_pair_by_hand(chair_client, venue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue)
    pair = ProposedPair.objects.filter(run=run, submission=venue.papers[3]).first()

    chair_client.post(
        reverse("autoassign:pair_remove", args=[venue.workshop.slug, run.pk, pair.pk])
    )
    assert not ProposedPair.objects.filter(pk=pair.pk).exists()
    page = chair_client.get(reverse("autoassign:run", args=[venue.workshop.slug, run.pk]))
    assert "missing reviewer" in page.content.decode()
    assert page.context["quality"]["papers_short"] == 1

    chair_client.post(
        reverse("autoassign:pair_add", args=[venue.workshop.slug, run.pk]),
        {"number": venue.papers[3].number, "reviewer": pair.reviewer_id},
    )
    added = ProposedPair.objects.get(run=run, submission=venue.papers[3], reviewer=pair.reviewer)
    assert added.edited_by_chair


def test_progress_page_refreshes_while_queued(chair_client, venue):
    run = AssignmentRun.objects.create(workshop=venue.workshop, created_by=venue.chair)

    page = chair_client.get(reverse("autoassign:run", args=[venue.workshop.slug, run.pk]))

    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html


def test_failed_run_shows_the_error(chair_client, db):
    empty = make_venue(n_papers=0, n_reviewers=2)
    chair_client.force_login(empty.chair)
    from reviews.services.auto_assign import execute_run

    run = AssignmentRun.objects.create(workshop=empty.workshop, params=RUN_DATA)
    execute_run(run.pk)
    run.refresh_from_db()

    assert run.state == RunState.FAILED
    page = chair_client.get(reverse("autoassign:run", args=[empty.workshop.slug, run.pk]))
    assert "no papers in review" in page.content.decode()


# -- access ------------------------------------------------------------------------------------


def _urls(venue, run, pair):
    slug = venue.workshop.slug
    return [
        ("get", reverse("autoassign:index", args=[slug])),
        ("get", reverse("autoassign:run", args=[slug, run.pk])),
        ("get", reverse("autoassign:csv", args=[slug, run.pk])),
        ("get", reverse("autoassign:commit", args=[slug, run.pk])),
        ("post", reverse("autoassign:commit", args=[slug, run.pk])),
        ("post", reverse("autoassign:pair_add", args=[slug, run.pk])),
        ("post", reverse("autoassign:pair_remove", args=[slug, run.pk, pair.pk])),
    ]


@pytest.fixture
def done_run(venue):
    from reviews.services.auto_assign import RunParams, create_run, execute_run

    run = create_run(venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=2))
    execute_run(run.pk)
    return run


@pytest.mark.parametrize("role", ["anonymous", "author", "reviewer", "other_chair", "chair"])
def test_role_matrix(client, venue, done_run, role):
    pair = ProposedPair.objects.filter(run=done_run, is_locked=False).first()
    if role == "author":
        client.force_login(venue.papers[0].created_by)
    elif role == "reviewer":
        client.force_login(venue.reviewers[0])
    elif role == "other_chair":
        other = factories.WorkshopFactory()
        user = factories.member(other, "chair")
        client.force_login(user)
    elif role == "chair":
        client.force_login(venue.chair)

    for method, url in _urls(venue, done_run, pair):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif role == "chair":
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 404, (role, url)
    if role != "chair":
        assert not Assignment.objects.exists()
        assert ProposedPair.objects.filter(pk=pair.pk).exists()


def test_run_of_another_workshop_is_404(chair_client, venue, done_run):
    other = make_venue(n_papers=1, n_reviewers=1, chair=venue.chair)

    response = chair_client.get(reverse("autoassign:run", args=[other.workshop.slug, done_run.pk]))

    assert response.status_code == 404


# -- CSV import --------------------------------------------------------------------------------


def csv_file(text: str):
    return SimpleUploadedFile("scores.csv", text.encode(), content_type="text/csv")


def test_csv_import_reports_each_bad_line(chair_client, venue):
    a = venue.reviewers[0].email
    text = (
        "paper,email,score\n"
        f"1,{a},0.9\n"
        f"99,{a},0.5\n"
        "2,nobody@example.org,0.5\n"
        f"3,{a},high\n"
        "4,too,many,columns\n"
        f"1,{a},0.1\n"
    )

    response = chair_client.post(index_url(venue), {**RUN_DATA, "scores_csv": csv_file(text)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: no paper #99 in this workshop." in html
    assert "Line 4: nobody@example.org is not a reviewer of this workshop." in html
    assert "Line 5: score &#x27;high&#x27; is not a number." in html
    assert "Line 6: expected 3 columns" in html
    assert "Line 7: paper #1 and" in html and "appear twice" in html
    assert not AssignmentRun.objects.exists()
    assert not ImportedAffinity.objects.exists()


def test_csv_import_scores_drive_the_assignment(
    chair_client, venue, django_capture_on_commit_callbacks
):
    d, e = venue.reviewers[3], venue.reviewers[4]
    text = "\n".join(f"{p.number},{r.email},5" for p in venue.papers[:3] for r in (d, e))

    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(chair_client, venue, scores_csv=csv_file(text), max_load=6)

    assert ImportedAffinity.objects.filter(workshop=venue.workshop).count() == 6
    for paper in venue.papers[:3]:
        reviewers = set(
            ProposedPair.objects.filter(run=run, submission=paper).values_list(
                "reviewer_id", flat=True
            )
        )
        assert reviewers == {d.pk, e.pk}
    pair = ProposedPair.objects.get(run=run, submission=venue.papers[0], reviewer=d)
    assert pair.explanation["imported"] == pytest.approx(5.0)


def test_min_above_max_is_refused(chair_client, venue):
    response = chair_client.post(index_url(venue), {**RUN_DATA, "min_load": 5, "max_load": 2})

    assert "The minimum cannot exceed the maximum." in response.content.decode()
    assert not AssignmentRun.objects.exists()
