"""A submission form sent again after an error page creates no second paper.

The first POST commits, then its response fails: here for real, because the broker is down
after the COMMIT (``dead_broker``: Redis on a closed port, not eager). Whatever page the author
saw (a 500 before the outbox's publish was made safe, the confirmation after), pressing
"Submit" again with the same form finds the paper the first attempt saved.
"""

import pytest
from django.test import Client
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions.models import Submission, SubmissionFile
from tests import factories as base
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_again_after_an_error_finds_the_saved_paper(
    dead_broker, call, author_user, frozen_now
):
    client = Client(raise_request_exception=False)
    client.force_login(author_user)
    url = reverse("submissions:create", kwargs={"slug": call.slug})
    pdf = make_pdf(3)

    first = client.post(url, form_data(call, pdf=pdf, token="retried-form"))
    assert first.status_code in (302, 500)
    submission = Submission.objects.get()  # the first attempt committed
    emails = OutgoingEmail.objects.count()

    second = client.post(url, form_data(call, pdf=pdf, token="retried-form"))

    assert second.status_code == 302
    assert second.url == submission.get_absolute_url()
    page = client.get(second.url).content.decode()
    assert f"already saved as submission #{submission.number}" in page
    assert Submission.objects.count() == 1
    assert SubmissionFile.objects.filter(submission=submission).count() == 1
    assert OutgoingEmail.objects.count() == emails


@pytest.mark.django_db
def test_a_token_from_someone_elses_form_is_not_reused(
    call, author_user, author_client, frozen_now
):
    other = base.UserFactory(full_name="Olga Other", email="olga@other.example")
    theirs = base.SubmissionFactory(workshop=call, created_by=other, form_token="their-token")
    url = reverse("submissions:create", kwargs={"slug": call.slug})

    response = author_client.post(url, form_data(call, pdf=make_pdf(3), token="their-token"))

    assert response.status_code == 302
    mine = Submission.objects.exclude(pk=theirs.pk).get()
    assert response.url == mine.get_absolute_url()
    assert mine.created_by == author_user
    assert mine.form_token is None
