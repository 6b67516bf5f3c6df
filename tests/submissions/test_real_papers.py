"""The submission path with papers as authors upload them (``tests.pdfs.paper_pdf``: about 1 MB,
nine pages of two-column text and a figure): the anonymity scan, the page limit and the
stored checksum hold on the path the deadline crunch takes (a new submission submitted at
once, then a revised PDF)."""

import hashlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions import pdf
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests.pdfs import paper_pdf
from tests.submissions.helpers import form_data

AUTHORS = [{"name": "Ada Lovelace", "email": "ada@analytical.example", "affiliation": "Analytical"}]


def create_url(call):
    return reverse("submissions:create", kwargs={"slug": call.slug})


def edit_url(submission):
    return reverse(
        "submissions:edit", kwargs={"slug": submission.workshop.slug, "number": submission.number}
    )


@pytest.fixture
def post(author_client, django_capture_on_commit_callbacks):
    def do(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return author_client.post(url, data)

    return do


def checked(data: bytes, **kwargs):
    upload = SimpleUploadedFile("paper.pdf", data, content_type="application/pdf")
    return pdf.check_pdf(upload, max_mb=20, **kwargs)


@pytest.mark.parametrize("page", [1, 2])
def test_name_on_a_scanned_page_of_a_real_paper_is_found(page):
    data = paper_pdf(text_on={page: "Ada Lovelace, Analytical"})
    assert len(data) > 900 * 1024
    warnings = pdf.identity_warnings(checked(data), AUTHORS)
    assert (
        f"The text of the first {pdf.IDENTITY_PAGES} pages contains the author name "
        "“Ada Lovelace”." in warnings
    )
    assert any("affiliation “Analytical”" in w for w in warnings)


def test_pages_after_the_scanned_ones_are_not_read():
    """The rule: the first IDENTITY_PAGES pages (title, authors, abstract); the references
    further on name other people's papers, the authors' own included."""
    data = paper_pdf(text_on={pdf.IDENTITY_PAGES + 1: "Lovelace, A. (2024). Earlier work."})
    assert pdf.identity_warnings(checked(data), AUTHORS) == []


def test_without_the_scan_no_text_is_read_and_the_rest_is_checked():
    data = paper_pdf(pages=4, kb=200, text_on={1: "Ada Lovelace"})
    result = checked(data, read_text=False)
    assert (result.pages, result.size, result.first_pages_text) == (4, len(data), "")
    assert result.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.django_db
def test_real_paper_naming_an_author_on_page_two_is_held_back(post, call, media_root):
    leaky = paper_pdf(text_on={2: "Ada Lovelace"})
    response = post(create_url(call), form_data(call, pdf=leaky))
    assert response.status_code == 400
    assert "The text of the first 2 pages contains the author name" in response.content.decode()
    assert not Submission.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_single_blind_call_takes_a_paper_that_names_its_authors(post, call):
    call.anonymity = "single_blind"
    call.save()
    response = post(create_url(call), form_data(call, pdf=paper_pdf(text_on={1: "Ada Lovelace"})))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.current_paper.warnings == []


@pytest.mark.django_db
def test_real_paper_over_the_page_limit_refused(post, call, media_root):
    # Full paper: 8 pages plus 2 of references.
    response = post(create_url(call), form_data(call, pdf=paper_pdf(pages=11)))
    assert response.status_code == 400
    assert "Your PDF has 11 pages" in response.content.decode()
    assert not Submission.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_new_submission_stores_everything_once_and_its_checksum(post, call, topics, media_root):
    data = paper_pdf(seed=1)
    response = post(create_url(call), form_data(call, pdf=data))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.SUBMITTED
    assert list(submission.topics.all()) == [topics[0]]
    assert [a.email for a in submission.ordered_authors] == [
        "ada@analytical.example",
        "charles@engine.example",
    ]
    paper = submission.current_paper
    digest = hashlib.sha256(data).hexdigest()
    stored = (media_root / paper.file.name).read_bytes()
    assert (paper.version, paper.pages, paper.size, paper.sha256) == (1, 9, len(data), digest)
    assert hashlib.sha256(stored).hexdigest() == digest
    confirmations = OutgoingEmail.objects.filter(template_role="submission.submitted")
    assert sorted(confirmations.values_list("idempotency_key", flat=True)) == [
        f"submission:{submission.pk}:submitted:ada@analytical.example",
        f"submission:{submission.pk}:submitted:charles@engine.example",
    ]
    assert all(f"SHA-256 {digest}" in body for body in confirmations.values_list("body", flat=True))
    assert sorted(m.to[0] for m in mail.outbox if "received" in m.subject) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]


@pytest.mark.django_db
def test_revised_real_paper_is_version_two_with_its_checksum(post, call):
    post(create_url(call), form_data(call, pdf=paper_pdf(seed=1), token="first"))
    submission = Submission.objects.get()
    revised = paper_pdf(seed=2)
    response = post(edit_url(submission), form_data(call, pdf=revised, token="second"))
    assert response.status_code == 302
    versions = list(submission.files.order_by("version").values_list("version", "sha256"))
    assert versions == [
        (1, hashlib.sha256(paper_pdf(seed=1)).hexdigest()),
        (2, hashlib.sha256(revised).hexdigest()),
    ]
    updates = OutgoingEmail.objects.filter(template_role="submission.updated")
    assert updates.count() == 2  # one per author
