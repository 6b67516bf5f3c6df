"""The admin: lists of authorships and activity, read-only state, numbers and file versions,
withdrawal only through ``set_state``."""

import pytest
from django.urls import reverse

from activity.models import Entry
from mail.models import OutgoingEmail
from submissions.enums import ActivityAction, SubmissionState
from submissions.models import Submission
from submissions.services.state import log_activity
from tests import factories as base


@pytest.fixture
def admin_client(client, db):
    user = base.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_admin_authorship_list_searches_and_filters(admin_client, make_submission):
    make_submission(co_authors=[{"name": "Charles Babbage", "email": "charles@engine.example"}])
    url = reverse("admin:submissions_authorship_changelist")
    page = admin_client.get(url, {"q": "babbage", "is_contact__exact": "0"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "charles@engine.example" in content
    assert "ada@analytical.example" not in content


@pytest.mark.django_db
def test_admin_activity_list_searches_and_filters_and_is_read_only(admin_client, make_submission):
    submission = make_submission()
    entry = log_activity(submission, ActivityAction.UPDATED, by=None, message="Revision 7: title")
    url = reverse("admin:activity_entry_changelist")
    page = admin_client.get(url, {"q": "Revision 7", "kind__exact": "submission"})
    assert page.status_code == 200
    assert "Revision 7" in page.content.decode() or str(submission) in page.content.decode()
    change = reverse("admin:activity_entry_change", args=[entry.pk])
    admin_client.post(change, {"message": "rewritten"})
    entry.refresh_from_db()
    assert entry.message == "Revision 7: title"


@pytest.mark.django_db
def test_admin_submission_state_number_and_files_read_only(admin_client, make_submission):
    submission = make_submission()
    url = reverse("admin:submissions_submission_change", args=[submission.pk])
    form = admin_client.get(url).context["adminform"].form
    assert not {"state", "number", "workshop"} & set(form.fields)
    paper = submission.current_paper
    file_url = reverse("admin:submissions_submissionfile_change", args=[paper.pk])
    file_form = admin_client.get(file_url).context["adminform"].form
    assert not {"file", "version", "sha256", "kind"} & set(file_form.fields)
    admin_client.post(file_url, {"version": "9", "sha256": "f" * 64})
    paper.refresh_from_db()
    assert paper.version == 1


@pytest.mark.django_db
def test_admin_withdraw_action_goes_through_set_state(
    admin_client, make_submission, django_capture_on_commit_callbacks
):
    submitted = make_submission()
    rejected = make_submission(state=SubmissionState.DESK_REJECTED)
    url = reverse("admin:submissions_submission_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {"action": "withdraw_selected", "_selected_action": [submitted.pk, rejected.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert Submission.objects.get(pk=submitted.pk).state == SubmissionState.WITHDRAWN
    assert Submission.objects.get(pk=rejected.pk).state == SubmissionState.DESK_REJECTED
    assert Entry.objects.filter(
        kind="submission", submission=submitted, action=ActivityAction.WITHDRAWN
    ).exists()
    assert OutgoingEmail.objects.filter(template_role="submission.withdrawn").count() == 1
    assert "Not withdrawn" in response.content.decode()
