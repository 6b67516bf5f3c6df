import pytest
from django.urls import reverse

from submissions import permissions
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories as base

CO = {"name": "Charles Babbage", "email": "charles@engine.example"}


@pytest.fixture
def people(make_submission, author_user, chair, reviewer_user, frozen_now):
    submission = make_submission()
    co_author = base.UserFactory(email="co@x.example")
    base.AuthorshipFactory(submission=submission, email=co_author.email, user=co_author, order=1)
    admin = base.UserFactory(is_superuser=True)
    stranger = base.UserFactory()
    other_chair = base.UserFactory()
    base.MembershipFactory(user=other_chair, role="chair")  # chair of another workshop
    return {
        "submission": submission,
        "author": author_user,
        "co_author": co_author,
        "chair": chair,
        "admin": admin,
        "reviewer": reviewer_user,
        "stranger": stranger,
        "other_chair": other_chair,
    }


MATRIX = {
    # role: (view, change, withdraw, see_authors, manage)
    "author": (True, True, True, True, False),
    "co_author": (True, True, True, True, False),
    "chair": (True, False, False, True, True),
    "admin": (True, True, True, True, True),  # a superuser holds every permission
    "reviewer": (False, False, False, False, False),
    "stranger": (False, False, False, False, False),
    "other_chair": (False, False, False, False, False),
}


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.django_db
def test_permission_matrix(people, role):
    user, submission = people[role], people["submission"]
    got = (
        user.has_perm("submissions.view_submission", submission),
        user.has_perm("submissions.change_submission", submission),
        user.has_perm("submissions.withdraw_submission", submission),
        user.has_perm("submissions.see_authors", submission),
        user.has_perm("submissions.manage_submissions", submission.workshop),
    )
    assert got == MATRIX[role]
    assert (submission in Submission.objects.visible_to(user)) == MATRIX[role][0]


@pytest.mark.django_db
def test_change_submission_refused_after_withdrawal(people):
    submission = people["submission"]
    submission.state = SubmissionState.WITHDRAWN
    submission.save()
    assert not people["author"].has_perm("submissions.change_submission", submission)
    assert not people["author"].has_perm("submissions.withdraw_submission", submission)
    assert people["author"].has_perm("submissions.view_submission", submission)


@pytest.mark.django_db
def test_extra_viewer_sees_authors_only_outside_double_blind(people, monkeypatch):
    reviewer, submission = people["reviewer"], people["submission"]
    monkeypatch.setattr(permissions, "_viewer_rules", [])
    permissions.add_viewer_rule(
        lambda user, sub: user.pk == reviewer.pk,
        lambda user: __import__("django.db.models", fromlist=["Q"]).Q(
            pk__in=[submission.pk] if user.pk == reviewer.pk else []
        ),
    )
    assert reviewer.has_perm("submissions.view_submission", submission)
    assert list(Submission.objects.visible_to(reviewer)) == [submission]
    assert not reviewer.has_perm("submissions.see_authors", submission)  # double-blind
    submission.workshop.anonymity = "single_blind"
    assert reviewer.has_perm("submissions.see_authors", submission)


@pytest.mark.django_db
def test_authored_by_lists_only_linked_authorships(people):
    assert list(Submission.objects.authored_by(people["co_author"])) == [people["submission"]]
    assert not Submission.objects.authored_by(people["stranger"]).exists()


@pytest.mark.django_db
def test_create_submission_needs_verified_email(call):
    assert base.UserFactory().has_perm("submissions.create_submission", call)
    assert not base.UserFactory(verified=False).has_perm("submissions.create_submission", call)


# --- Exclusion rules: a chair with a conflict of interest loses chair access to that paper ---


@pytest.fixture
def conflicted(people, client):
    """The chair has a recorded conflict with the submission; a second paper has none."""
    from reviews.models import Conflict

    submission, chair = people["submission"], people["chair"]
    Conflict.objects.create(submission=submission, user=chair, source="chair")
    other = base.SubmissionFactory(workshop=submission.workshop, submitted=True, number=99)
    base.AuthorshipFactory(submission=other, name="Other Person", email="other@x.example")
    client.force_login(chair)
    return {"submission": submission, "other": other, "chair": chair, "client": client}


@pytest.mark.django_db
def test_conflicted_chair_loses_chair_permissions_on_that_paper(conflicted):
    chair, submission, other = conflicted["chair"], conflicted["submission"], conflicted["other"]

    assert not chair.has_perm("submissions.view_submission", submission)
    assert not chair.has_perm("submissions.see_authors", submission)
    assert not chair.has_perm("submissions.download_files", submission)
    assert not chair.has_perm("submissions.manage_submissions", submission)
    assert chair.has_perm("submissions.manage_submissions", submission.workshop)
    assert chair.has_perm("submissions.view_submission", other)
    assert list(Submission.objects.visible_to(chair)) == [other]


@pytest.mark.django_db
def test_conflicted_chair_gets_404_on_page_and_original_pdf(conflicted):
    client, submission = conflicted["client"], conflicted["submission"]
    paper = submission.current_paper

    page = client.get(submission.get_absolute_url())
    pdf = client.get(
        reverse(
            "submissions:download", args=[submission.workshop.slug, submission.number, paper.pk]
        )
    )
    desk = client.get(
        reverse("submissions:desk_reject", args=[submission.workshop.slug, submission.number])
    )

    assert (page.status_code, pdf.status_code, desk.status_code) == (404, 404, 404)
    assert client.get(conflicted["other"].get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_managed_by_leaves_out_excluded_papers(conflicted):
    chair, submission = conflicted["chair"], conflicted["submission"]

    managed = permissions.managed_by(chair, Submission.objects.filter(workshop=submission.workshop))

    assert list(managed) == [conflicted["other"]]


@pytest.mark.django_db
def test_conflicted_chair_list_and_csv_leave_out_the_paper(conflicted):
    client, submission = conflicted["client"], conflicted["submission"]
    slug = submission.workshop.slug

    listing = client.get(reverse("submissions:manage_list", args=[slug])).content.decode()
    csv = client.get(reverse("submissions:export_csv", args=[slug])).content.decode()

    assert submission.title not in listing
    assert conflicted["other"].title in listing
    assert submission.title not in csv and "ada@analytical.example" not in csv


@pytest.mark.django_db
def test_conflicted_chair_who_is_an_author_keeps_author_access(people):
    from reviews.models import Conflict

    submission, chair = people["submission"], people["chair"]
    base.AuthorshipFactory(submission=submission, user=chair, email=chair.email, order=3)
    Conflict.objects.create(submission=submission, user=chair, source="auto_author")

    assert chair.has_perm("submissions.view_submission", submission)
    assert chair.has_perm("submissions.see_authors", submission)
    assert not chair.has_perm("submissions.manage_submissions", submission)
    assert submission in Submission.objects.visible_to(chair)
