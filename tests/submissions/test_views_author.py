import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions.enums import FileKind, SubmissionState
from submissions.models import Submission, SubmissionFile
from tests import factories as base
from tests.pdfs import encrypted_pdf, make_pdf, truncated_pdf
from tests.submissions.helpers import form_data
from workshops.enums import DateKind


def create_url(workshop):
    return reverse("submissions:create", kwargs={"slug": workshop.slug})


def edit_url(submission):
    return reverse("submissions:edit", args=[submission.workshop.slug, submission.number])


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def post(author_client, django_capture_on_commit_callbacks):
    """POST with the on-commit callbacks (mail delivery) run, as after a real request."""

    def do(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return author_client.post(url, data)

    return do


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_anonymous_redirected_to_login(client, call):
    response = client.get(create_url(call))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.django_db
def test_create_unverified_email_redirected_with_message(client, call, frozen_now):
    user = base.UserFactory(verified=False)
    client.force_login(user)
    response = client.get(create_url(call), follow=True)
    assert response.redirect_chain[0][0] == reverse("account_email")
    assert "verify your e-mail address" in response.content.decode()


@pytest.mark.django_db
def test_create_unpublished_workshop_404(author_client, call):
    call.is_published = False
    call.save()
    assert author_client.get(create_url(call)).status_code == 404


@pytest.mark.django_db
def test_create_form_prefills_contact_author(author_client, call):
    content = author_client.get(create_url(call)).content.decode()
    assert 'value="ada@analytical.example"' in content
    assert 'value="Ada Lovelace"' in content
    assert 'name="form_token"' in content


@pytest.mark.django_db
def test_create_form_labels_each_author_position(author_client, call):
    content = author_client.get(create_url(call)).content.decode()
    assert (
        '<label class="visually-hidden" for="id_authors-0-ORDER">Position of author 1</label>'
        in content
    )
    assert 'for="id_authors-1-ORDER">Position of author 2</label>' in content


@pytest.mark.django_db
def test_create_form_states_each_type_limit_once(author_client, call):
    content = author_client.get(create_url(call)).content.decode()
    assert "<li>Full paper: up to 8 pages" in content
    assert "Full paper: Full paper" not in content


# --- Drafts and submitting ---------------------------------------------------------------------


@pytest.mark.django_db
def test_create_draft_without_pdf_saved(post, call):
    response = post(create_url(call), form_data(call, action="draft", abstract=""))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == submission.get_absolute_url()
    assert submission.state == SubmissionState.DRAFT
    assert submission.number == 1
    assert not submission.files.exists()
    # Only the co-author notice: no confirmation for a draft.
    assert [m.to for m in mail.outbox] == [["charles@engine.example"]]


@pytest.mark.django_db
def test_create_submit_mails_each_author_exactly_once(post, call, pdf_bytes, author_user):
    response = post(create_url(call), form_data(call, pdf=pdf_bytes))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert submission.state == SubmissionState.SUBMITTED
    authors = submission.ordered_authors
    assert [(a.email, a.user, a.is_contact) for a in authors] == [
        ("ada@analytical.example", author_user, True),
        ("charles@engine.example", None, False),
    ]
    paper = submission.current_paper
    assert (paper.version, paper.pages, paper.uploaded_by) == (1, 3, author_user)
    confirmations = OutgoingEmail.objects.filter(template_role="submission.submitted")
    assert sorted(confirmations.values_list("recipient", flat=True)) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]
    assert OutgoingEmail.objects.filter(template_role="submission.coauthor_added").count() == 1
    assert OutgoingEmail.objects.count() == 3
    assert len(mail.outbox) == 3
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"[{call.short_name}] Submission #1 received: {submission.title}") == 2


@pytest.mark.django_db
def test_create_submit_missing_fields_nothing_saved(post, call):
    response = post(
        create_url(call),
        form_data(call, abstract="", ack_code_of_conduct=None, topics=None),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Upload the paper" in content
    assert "An abstract is required" in content
    assert "Required to submit" in content
    assert not Submission.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_create_double_post_same_token_no_duplicate(post, call, pdf_bytes):
    first = post(create_url(call), form_data(call, pdf=pdf_bytes, token="same"))
    second = post(create_url(call), form_data(call, pdf=make_pdf(3), token="same"))
    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert first.url == second.url == submission.get_absolute_url()
    assert submission.files.count() == 1
    assert OutgoingEmail.objects.filter(template_role="submission.submitted").count() == 2


@pytest.mark.django_db
def test_create_numbers_are_sequential_per_workshop(post, call):
    post(create_url(call), form_data(call, action="draft", token="a"))
    post(create_url(call), form_data(call, action="draft", token="b"))
    assert list(Submission.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_submit_existing_draft(post, make_submission, call):
    submission = make_submission(state=SubmissionState.DRAFT)
    response = post(edit_url(submission), form_data(call, action="submit", token=None))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED


def follow_message(client, response) -> str:
    return client.get(response.url).content.decode()


@pytest.mark.django_db
def test_edit_form_of_a_submitted_paper_carries_a_token(author_client, make_submission):
    content = author_client.get(edit_url(make_submission())).content.decode()
    assert 'name="form_token"' in content


@pytest.mark.django_db
def test_edit_replayed_form_saves_once(post, author_client, make_submission, call):
    submission = make_submission(
        co_authors=[{"name": "Charles Babbage", "email": "charles@engine.example"}]
    )
    data = dict(title="Second title", pdf=make_pdf(5), token="edit-1")
    first = post(edit_url(submission), form_data(call, **data))
    second = post(edit_url(submission), form_data(call, **data))

    assert first.status_code == second.status_code == 302
    assert second.url == submission.get_absolute_url()
    assert "already saved" in follow_message(author_client, second)
    submission.refresh_from_db()
    assert submission.revision == 1
    assert list(submission.files.order_by("version").values_list("version", flat=True)) == [1, 2]
    updated = OutgoingEmail.objects.filter(template_role="submission.updated")
    assert sorted(updated.values_list("recipient", flat=True)) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]


@pytest.mark.django_db
def test_submit_replayed_on_a_draft_submits_once(post, make_submission, call):
    submission = make_submission(state=SubmissionState.DRAFT)
    data = dict(action="submit", pdf=make_pdf(4), token="submit-1")
    post(edit_url(submission), form_data(call, **data))
    post(edit_url(submission), form_data(call, **data))

    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.revision == 0
    assert list(submission.files.order_by("version").values_list("version", flat=True)) == [1, 2]
    roles = list(OutgoingEmail.objects.values_list("template_role", flat=True))
    assert roles.count("submission.submitted") == 2  # Ada and Charles
    assert "submission.updated" not in roles


@pytest.mark.django_db
def test_same_pdf_uploaded_again_is_not_a_new_version(post, make_submission, call):
    submission = make_submission()
    data = make_pdf(5)
    post(edit_url(submission), form_data(call, pdf=data, token="one"))
    post(edit_url(submission), form_data(call, pdf=data, token="two"))
    submission.refresh_from_db()
    assert list(submission.files.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert submission.revision == 1
    assert OutgoingEmail.objects.filter(template_role="submission.updated").count() == 2


# --- Deadlines ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_one_second_before_deadline_accepted(post, call, pdf_bytes, frozen_now, deadline):
    frozen_now(deadline - dt.timedelta(seconds=1))
    post(create_url(call), form_data(call, pdf=pdf_bytes))
    assert Submission.objects.get().state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_create_crafted_post_one_second_after_deadline_refused(
    post, call, pdf_bytes, frozen_now, deadline, media_root
):
    frozen_now(deadline + dt.timedelta(seconds=1))
    response = post(create_url(call), form_data(call, pdf=pdf_bytes))
    assert response.status_code == 302
    assert response.url == call.get_absolute_url()
    assert not Submission.objects.exists()
    assert not stored_files(media_root)
    assert not mail.outbox


@pytest.mark.django_db
def test_edit_after_deadline_refused_and_unchanged(
    post, make_submission, call, frozen_now, deadline
):
    submission = make_submission()
    frozen_now(deadline + dt.timedelta(seconds=1))
    response = post(edit_url(submission), form_data(call, title="Changed", pdf=make_pdf(2)))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title != "Changed"
    assert submission.files.count() == 1
    assert not mail.outbox


@pytest.mark.django_db
def test_edit_after_deadline_with_chair_override_allowed(
    post, make_submission, call, frozen_now, deadline
):
    submission = make_submission(deadline_override=deadline + dt.timedelta(days=2))
    frozen_now(deadline + dt.timedelta(days=1))
    post(edit_url(submission), form_data(call, title="Changed late", token=None))
    submission.refresh_from_db()
    assert submission.title == "Changed late"


@pytest.mark.django_db
def test_edit_after_deadline_with_extension_allowed(
    post, make_submission, call, frozen_now, deadline
):
    date = call.dates.get(kind=DateKind.PAPER_SUBMISSION)
    date.extended_at = deadline + dt.timedelta(days=2)
    date.save()
    submission = make_submission()
    frozen_now(deadline + dt.timedelta(days=1))
    post(edit_url(submission), form_data(call, title="Changed in extension", token=None))
    submission.refresh_from_db()
    assert submission.title == "Changed in extension"


@pytest.mark.django_db
def test_abstract_deadline_closes_new_but_allows_pdf_upload(
    post, author_client, make_submission, call, frozen_now, deadline
):
    base.ImportantDateFactory(
        workshop=call,
        kind=DateKind.ABSTRACT_REGISTRATION,
        original_at=deadline - dt.timedelta(days=5),
    )
    submission = make_submission(state=SubmissionState.DRAFT)
    frozen_now(deadline - dt.timedelta(days=2))
    refused = author_client.get(create_url(call), follow=True)
    assert "Abstract registration has closed" in refused.content.decode()
    post(create_url(call), form_data(call, action="draft", token="new"))
    assert Submission.objects.count() == 1
    post(edit_url(submission), form_data(call, action="submit", pdf=make_pdf(4), token=None))
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.current_paper.version == 2


# --- Updates and versions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_update_submitted_each_update_mailed_once(post, make_submission, call):
    submission = make_submission(
        co_authors=[{"name": "Charles Babbage", "email": "charles@engine.example"}]
    )
    post(edit_url(submission), form_data(call, title="Second title", token=None))
    post(edit_url(submission), form_data(call, title="Second title", pdf=make_pdf(2), token=None))
    post(edit_url(submission), form_data(call, title="Second title", token=None))  # no change
    submission.refresh_from_db()
    assert submission.revision == 2
    keys = sorted(
        OutgoingEmail.objects.filter(template_role="submission.updated").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == [
        f"submission:{submission.pk}:updated:r1:ada@analytical.example",
        f"submission:{submission.pk}:updated:r1:charles@engine.example",
        f"submission:{submission.pk}:updated:r2:ada@analytical.example",
        f"submission:{submission.pk}:updated:r2:charles@engine.example",
    ]
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_new_pdf_is_a_new_version_old_kept(post, make_submission, call, media_root):
    submission = make_submission()
    post(edit_url(submission), form_data(call, pdf=make_pdf(5), token=None))
    versions = list(submission.files.order_by("version").values_list("version", "pages"))
    assert versions == [(1, 3), (2, 5)]
    assert Submission.objects.get(pk=submission.pk).current_paper.version == 2
    assert len(stored_files(media_root)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("pages", "text"), [(1, "(1 page)"), (3, "(3 pages)")])
def test_upload_history_counts_pages_in_words(post, call, author_client, pages, text):
    post(create_url(call), form_data(call, pdf=make_pdf(pages)))
    submission = Submission.objects.get()

    messages = list(
        submission.log_entries.filter(kind="submission").values_list("message", flat=True)
    )
    detail = author_client.get(submission.get_absolute_url()).content.decode()

    assert f"Paper PDF version 1 {text}" in messages
    assert f"Paper PDF version 1 {text}" in detail


@pytest.mark.django_db
def test_upload_path_components_reduced_to_base_name(post, call, pdf_bytes):
    post(create_url(call), form_data(call, pdf=pdf_bytes, pdf_name="../../etc/passwd.pdf"))
    record = SubmissionFile.objects.get()
    assert record.original_name == "passwd.pdf"
    assert "passwd" not in record.file.name
    assert ".." not in record.file.name
    assert record.file.name.startswith(f"submissions/{call.pk}/")


@pytest.mark.django_db
def test_upload_windows_path_reduced_to_base_name(post, call, pdf_bytes):
    post(create_url(call), form_data(call, pdf=pdf_bytes, pdf_name="C:\\x\\y.pdf"))
    assert SubmissionFile.objects.get().original_name == "y.pdf"


@pytest.mark.django_db
def test_supplement_zip_stored_as_version(post, call, pdf_bytes):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("code/run.py", "print('hi')")
    data = form_data(call, pdf=pdf_bytes)
    data["supplement"] = SimpleUploadedFile("code.zip", buffer.getvalue())
    post(create_url(call), data)
    supplement = Submission.objects.get().current_supplement
    assert supplement.kind == FileKind.SUPPLEMENT
    assert supplement.file.name.endswith(".zip")
    assert supplement.pages is None


# --- Bad input leaves everything as it was ------------------------------------------------------


BAD_FILES = {
    "renamed text": (b"just some text\n" * 50, "not a PDF"),
    "empty": (b"", "empty"),
    "truncated": (truncated_pdf(), "damaged or incomplete"),
    "encrypted": (encrypted_pdf(), "encrypted"),
    "too many pages": (make_pdf(11), "Your PDF has 11 pages; Full paper allows up to 8 pages"),
}


@pytest.mark.parametrize("case", BAD_FILES)
@pytest.mark.django_db
def test_create_bad_pdf_refused_nothing_saved(post, call, media_root, case):
    data, message = BAD_FILES[case]
    response = post(create_url(call), form_data(call, pdf=data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists()
    assert not stored_files(media_root)
    assert not mail.outbox


@pytest.mark.parametrize("case", BAD_FILES)
@pytest.mark.django_db
def test_update_bad_pdf_refused_previous_state_intact(post, make_submission, call, case):
    submission = make_submission()
    data, _message = BAD_FILES[case]
    response = post(
        edit_url(submission), form_data(call, title="Should not stick", pdf=data, token=None)
    )
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.title != "Should not stick"
    assert submission.files.count() == 1
    assert submission.revision == 0
    assert [a.email for a in submission.ordered_authors] == ["ada@analytical.example"]
    assert not mail.outbox


@pytest.mark.django_db
def test_create_oversize_pdf_refused(post, call, media_root):
    call.max_pdf_size_mb = 1
    call.save()
    response = post(create_url(call), form_data(call, pdf=make_pdf(1) + b"%" * (1024 * 1024)))
    assert response.status_code == 400
    assert "limit is 1 MB" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_create_malformed_coauthor_email_refused(post, call, pdf_bytes):
    authors = [
        {"name": "Ada Lovelace", "email": "ada@analytical.example"},
        {"name": "Bad Address", "email": "not-an-email@"},
    ]
    response = post(create_url(call), form_data(call, pdf=pdf_bytes, authors=authors))
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_create_duplicate_author_email_refused(post, call):
    authors = [
        {"name": "Ada Lovelace", "email": "ada@analytical.example"},
        {"name": "Ada Again", "email": "ADA@analytical.example"},
    ]
    response = post(create_url(call), form_data(call, action="draft", authors=authors))
    assert response.status_code == 400
    assert "listed twice" in response.content.decode()


@pytest.mark.django_db
def test_edit_cannot_remove_yourself(post, make_submission, call):
    submission = make_submission()
    authors = [{"name": "Charles Babbage", "email": "charles@engine.example"}]
    response = post(edit_url(submission), form_data(call, authors=authors, token=None))
    assert response.status_code == 400
    assert "cannot remove yourself" in response.content.decode()


@pytest.mark.django_db
def test_edit_reorders_adds_and_removes_authors(post, make_submission, call):
    submission = make_submission(co_authors=[{"name": "Old Coauthor", "email": "old@x.example"}])
    authors = [
        {"name": "Ada Lovelace", "email": "ada@analytical.example", "order": 3},
        {"name": "Old Coauthor", "email": "old@x.example", "delete": True},
        {"name": "New First", "email": "first@x.example", "order": 1},
        {"name": "New Second", "email": "second@x.example", "order": 2},
    ]
    post(edit_url(submission), form_data(call, authors=authors, token=None))
    submission = Submission.objects.get(pk=submission.pk)
    assert [a.email for a in submission.ordered_authors] == [
        "first@x.example",
        "second@x.example",
        "ada@analytical.example",
    ]
    assert submission.contact_author.email == "ada@analytical.example"
    added = OutgoingEmail.objects.filter(template_role="submission.coauthor_added")
    assert sorted(added.values_list("recipient", flat=True)) == [
        "first@x.example",
        "second@x.example",
    ]


ADA = {"name": "Ada Lovelace", "email": "ada@analytical.example"}
CHARLES = {"name": "Charles Babbage", "email": "charles@engine.example"}
MARY = {"name": "Mary Somerville", "email": "mary@royal.example"}


@pytest.fixture
def three_authors(make_submission):
    """Ada (the contact author) with co-authors Charles (who has an account) and Mary."""
    charles = base.UserFactory(full_name="Charles Babbage", email=CHARLES["email"])
    submission = make_submission(co_authors=[{**CHARLES, "user": charles}, MARY])
    return submission, charles


@pytest.fixture
def charles_post(client, three_authors, frozen_now, django_capture_on_commit_callbacks):
    client.force_login(three_authors[1])

    def do(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return do


@pytest.mark.django_db
@pytest.mark.parametrize("kept", [[CHARLES, MARY], [ADA, CHARLES]])
def test_coauthor_cannot_remove_other_authors(charles_post, three_authors, call, kept):
    submission, _charles = three_authors
    response = charles_post(edit_url(submission), form_data(call, authors=kept, token=None))
    assert response.status_code == 400
    assert "Only the contact author" in response.content.decode()
    assert [a.email for a in Submission.objects.get(pk=submission.pk).ordered_authors] == [
        ADA["email"],
        CHARLES["email"],
        MARY["email"],
    ]
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_coauthor_may_reorder_and_add_authors(charles_post, three_authors, call):
    submission, _charles = three_authors
    new = {"name": "New Person", "email": "new@x.example"}
    authors = [CHARLES, ADA, MARY, new]
    response = charles_post(edit_url(submission), form_data(call, authors=authors, token=None))
    assert response.status_code == 302
    submission = Submission.objects.get(pk=submission.pk)
    assert [a.email for a in submission.ordered_authors] == [a["email"] for a in authors]
    assert submission.contact_author.email == ADA["email"]


@pytest.mark.django_db
def test_coauthor_removal_refused_by_the_service_too(three_authors, call, frozen_now):
    from submissions.services.editing import AuthorEntry, save_submission
    from submissions.services.state import TransitionNotAllowed

    submission, charles = three_authors
    with pytest.raises(TransitionNotAllowed, match="Only the contact author"):
        save_submission(
            workshop=call,
            by=charles,
            fields={},
            topics=list(submission.topics.all()),
            authors=[AuthorEntry(**CHARLES)],
            submission=submission,
        )
    assert submission.authors.count() == 3


@pytest.mark.django_db
def test_contact_author_removes_a_coauthor_who_is_told_by_whom(
    post, three_authors, call, django_capture_on_commit_callbacks
):
    submission, _charles = three_authors
    response = post(edit_url(submission), form_data(call, authors=[ADA, MARY], token="rm-1"))
    assert response.status_code == 302
    assert [a.email for a in Submission.objects.get(pk=submission.pk).ordered_authors] == [
        ADA["email"],
        MARY["email"],
    ]
    removed = OutgoingEmail.objects.filter(template_role="submission.author_removed")
    assert list(removed.values_list("recipient", flat=True)) == [CHARLES["email"]]
    message = removed.get()
    assert re.fullmatch(
        rf"submission:{submission.pk}:author_removed:\d+:charles@engine.example",
        message.idempotency_key,
    )
    assert "removed you" in message.body and "Ada Lovelace" in message.body
    assert ADA["email"] not in message.body  # the remover by name only
    assert MARY["email"] not in message.body
    # The remaining authors hear of the change as usual; Charles is not told twice.
    post(edit_url(submission), form_data(call, authors=[ADA, MARY], token="rm-1"))
    post(edit_url(submission), form_data(call, authors=[ADA, MARY], token="rm-2"))
    assert removed.count() == 1
    updated = OutgoingEmail.objects.filter(template_role="submission.updated")
    assert CHARLES["email"] not in set(updated.values_list("recipient", flat=True))


@pytest.mark.django_db
def test_html_in_title_and_abstract_escaped_everywhere(
    post, author_client, call, pdf_bytes, chair, client
):
    evil = '<script>alert("x")</script>'
    post(
        create_url(call),
        form_data(call, pdf=pdf_bytes, title=evil, abstract=f"<img src=x onerror=alert(1)>{evil}"),
    )
    submission = Submission.objects.get()
    pages = [
        author_client.get(submission.get_absolute_url()),
        author_client.get(reverse("submissions:dashboard")),
        author_client.get(edit_url(submission)),
        author_client.get(reverse("submissions:withdraw", args=[call.slug, 1])),
    ]
    client.force_login(chair)
    pages.append(client.get(reverse("submissions:manage_list", args=[call.slug])))
    for page in pages:
        content = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "&lt;script&gt;" in content


# --- Identity leaks in double-blind calls ---------------------------------------------------------


@pytest.mark.django_db
def test_submit_pdf_naming_author_warns_before_submitting(post, call):
    leaky = make_pdf(2, author="Ada Lovelace", text="Ada Lovelace, Analytical Society")
    response = post(create_url(call), form_data(call, pdf=leaky))
    assert response.status_code == 400
    content = response.content.decode()
    assert "metadata field Author contains the author name" in content
    assert "submit anyway" in content
    # What reviewers get is described as it is: hidden data removed, the text left as written.
    assert (
        "stripped of the PDF&#x27;s hidden data" in content
        or "stripped of the PDF's hidden data" in content
    )
    assert "names in the text remain visible" in content
    assert not Submission.objects.exists()

    post(create_url(call), form_data(call, pdf=leaky, confirm_warnings="on"))
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.current_paper.warnings


@pytest.mark.django_db
def test_draft_pdf_naming_author_saved_with_warning(post, author_client, call):
    leaky = make_pdf(1, author="Ada Lovelace")
    response = post(create_url(call), form_data(call, action="draft", pdf=leaky))
    assert response.status_code == 302
    page = author_client.get(response.url).content.decode()
    assert "may reveal who the authors are" in page


@pytest.mark.django_db
def test_single_blind_no_identity_warning(post, call):
    call.anonymity = "single_blind"
    call.save()
    post(create_url(call), form_data(call, pdf=make_pdf(1, author="Ada Lovelace")))
    assert Submission.objects.get().state == SubmissionState.SUBMITTED


# --- Someone else's submission ---------------------------------------------------------------


@pytest.mark.django_db
def test_crafted_url_other_authors_submission_404(client, make_submission, call, frozen_now):
    submission = make_submission()
    intruder = base.UserFactory()
    client.force_login(intruder)
    slug, number = call.slug, submission.number
    file_id = submission.current_paper.pk
    for url in [
        reverse("submissions:detail", args=[slug, number]),
        reverse("submissions:edit", args=[slug, number]),
        reverse("submissions:withdraw", args=[slug, number]),
        reverse("submissions:download", args=[slug, number, file_id]),
        reverse("submissions:desk_reject", args=[slug, number]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("submissions:edit", args=[slug, number]), form_data(call)).status_code
        == 404
    )
    assert client.post(reverse("submissions:withdraw", args=[slug, number])).status_code == 404
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_download_own_pdf(author_client, make_submission):
    submission = make_submission()
    response = author_client.get(
        reverse(
            "submissions:download",
            args=[submission.workshop.slug, submission.number, submission.current_paper.pk],
        )
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def download_url(submission, record):
    return reverse(
        "submissions:download", args=[submission.workshop.slug, submission.number, record.pk]
    )


@pytest.fixture
def two_versions(make_submission):
    """A submitted paper with an older (v1) and the current (v2) PDF, both naming the author."""
    submission = make_submission()
    old = submission.current_paper
    base.SubmissionFileFactory(
        submission=submission, version=2, from_pdf=True, author="Ada Lovelace"
    )
    return submission, old, submission.current_paper


@pytest.mark.django_db
def test_download_reviewer_gets_only_the_current_paper(client, two_versions, call, frozen_now):
    submission, old, current = two_versions
    reviewer = base.member(call, "reviewer")
    base.AssignmentFactory(submission=submission, reviewer=reviewer)
    client.force_login(reviewer)
    assert not reviewer.has_perm("submissions.see_authors", submission)

    assert client.get(download_url(submission, old)).status_code == 404
    response = client.get(download_url(submission, current))
    assert response.status_code == 200
    assert b"Lovelace" not in response.content


@pytest.mark.django_db
def test_download_author_and_chair_get_every_version(
    author_client, client, two_versions, call, frozen_now
):
    submission, old, current = two_versions
    for record in (old, current):
        assert author_client.get(download_url(submission, record)).status_code == 200
    chair = base.member(call, "chair")
    client.force_login(chair)
    for record in (old, current):
        assert client.get(download_url(submission, record)).status_code == 200


# --- Withdrawal ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdraw_get_confirms_post_withdraws(post, author_client, make_submission):
    submission = make_submission()
    url = reverse("submissions:withdraw", args=[submission.workshop.slug, submission.number])
    page = author_client.get(url)
    assert page.status_code == 200
    assert "Withdraw submission #" in page.content.decode()
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED

    post(url, {"reason": "Not ready"})
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN
    assert OutgoingEmail.objects.filter(template_role="submission.withdrawn").count() == 1
    post(url, {"reason": "Again"})
    assert OutgoingEmail.objects.filter(template_role="submission.withdrawn").count() == 1


@pytest.mark.django_db
def test_withdraw_after_deadline_allowed(post, make_submission, frozen_now, deadline):
    submission = make_submission()
    frozen_now(deadline + dt.timedelta(days=10))
    post(reverse("submissions:withdraw", args=[submission.workshop.slug, submission.number]), {})
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN


@pytest.mark.django_db
def test_accepted_paper_withdrawal_is_worded_and_explained(author_client, make_submission):
    submission = make_submission(state=SubmissionState.ACCEPTED)
    url = reverse("submissions:withdraw", args=[submission.workshop.slug, submission.number])

    detail = author_client.get(submission.get_absolute_url()).content.decode()
    confirm = author_client.get(url).content.decode()

    assert f'href="{url}">Withdraw accepted paper…</a>' in detail
    assert "Withdraw accepted paper #" in confirm
    assert "gives up its acceptance" in confirm
    assert "will not appear in the programme or the proceedings" in confirm
    assert "Withdraw the accepted paper</button>" in confirm


@pytest.mark.django_db
def test_submitted_paper_withdrawal_keeps_the_plain_wording(author_client, make_submission):
    submission = make_submission()

    detail = author_client.get(submission.get_absolute_url()).content.decode()

    assert ">Withdraw</a>" in detail
    assert "accepted paper" not in detail


# --- Co-authors get access -------------------------------------------------------------------


@pytest.mark.django_db
def test_coauthor_with_verified_account_linked_on_save(post, call, pdf_bytes):
    charles = base.UserFactory(email="charles@engine.example")
    post(create_url(call), form_data(call, pdf=pdf_bytes))
    submission = Submission.objects.get()
    assert submission.authors.get(email="charles@engine.example").user == charles
    assert list(Submission.objects.authored_by(charles)) == [submission]


@pytest.mark.django_db
def test_coauthor_with_unverified_account_not_linked(post, call, pdf_bytes):
    base.UserFactory(email="charles@engine.example", verified=False)
    post(create_url(call), form_data(call, pdf=pdf_bytes))
    assert Submission.objects.get().authors.get(email="charles@engine.example").user is None


@pytest.mark.django_db
def test_coauthor_linked_on_email_confirmation(post, call, pdf_bytes, client):
    from allauth.account.signals import email_confirmed

    post(create_url(call), form_data(call, pdf=pdf_bytes))
    charles = base.UserFactory(email="Charles@Engine.example", verified=False)
    address = EmailAddress.objects.create(user=charles, email=charles.email, primary=True)
    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    submission = Submission.objects.get()
    assert submission.authors.get(email="charles@engine.example").user == charles
    client.force_login(charles)
    assert client.get(submission.get_absolute_url()).status_code == 200
    assert submission.title in client.get(reverse("submissions:dashboard")).content.decode()


@pytest.mark.django_db
def test_coauthor_linked_through_allauth_confirmation_view(post, call, pdf_bytes, client):
    from allauth.account.models import EmailConfirmationHMAC

    post(create_url(call), form_data(call, pdf=pdf_bytes))
    charles = base.UserFactory(email="charles@engine.example", verified=False)
    address = EmailAddress.objects.create(user=charles, email=charles.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    client.post(reverse("account_confirm_email", args=[key]))
    assert Submission.objects.get().authors.get(email="charles@engine.example").user == charles
