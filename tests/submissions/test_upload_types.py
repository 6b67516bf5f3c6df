"""Uploads are judged by what they are, not by what their name says: a zip archive named
``.pdf`` (or a PDF named ``.zip``) is refused with a message that says so, and nothing is saved."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions import pdf
from submissions.models import Submission, SubmissionFile
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("code/run.py", "print('hi')")
    return buffer.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    # The browser's content type is a claim like the name: set it to what the name says.
    kind = "application/zip" if name.endswith(".zip") else "application/pdf"
    return SimpleUploadedFile(name, data, content_type=kind)


def refusal(check, data, name, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        check(upload(data, name), **kwargs)
    return info.value.code, " ".join(info.value.messages)


def test_zip_named_pdf_refused_as_supplement():
    code, message = refusal(pdf.check_supplement, zip_bytes(), "results.pdf", max_mb=5)
    assert code == "wrong_extension"
    assert "“results.pdf” is a zip archive" in message
    assert "does not end in .zip" in message


def test_pdf_named_zip_refused_as_supplement():
    code, message = refusal(pdf.check_supplement, make_pdf(2), "code.zip", max_mb=5)
    assert code == "wrong_extension"
    assert "“code.zip” is a PDF file" in message


def test_supplements_whose_name_matches_are_accepted():
    assert pdf.check_supplement(upload(zip_bytes(), "code.ZIP"), max_mb=5).kind == "zip"
    assert pdf.check_supplement(upload(make_pdf(2), "appendix.pdf"), max_mb=5).kind == "pdf"


def test_zip_named_pdf_refused_as_paper():
    code, message = refusal(pdf.check_pdf, zip_bytes(), "paper.pdf", max_mb=5)
    assert code == "not_pdf"
    assert "it is a zip archive" in message


def test_zip_holding_a_pdf_near_its_start_refused_as_paper():
    """A stored (uncompressed) PDF inside a zip puts ``%PDF-`` in the first kilobyte: still a
    zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("paper.pdf", make_pdf(1))
    data = buffer.getvalue()
    assert b"%PDF-" in data[:1024]
    assert refusal(pdf.check_pdf, data, "paper.pdf", max_mb=5)[0] == "not_pdf"


def test_pdf_with_a_zip_appended_refused():
    """A PDF followed by a zip archive opens as either: refused as paper and as supplement."""
    data = make_pdf(2) + zip_bytes()
    assert zipfile.is_zipfile(io.BytesIO(data))
    code, message = refusal(pdf.check_pdf, data, "paper.pdf", max_mb=5)
    assert code == "polyglot"
    assert "zip archive attached" in message
    assert refusal(pdf.check_supplement, data, "appendix.pdf", max_mb=5)[0] == "polyglot"


def test_paper_must_be_named_pdf():
    code, message = refusal(pdf.check_pdf, make_pdf(2), "paper.docx", max_mb=5)
    assert code == "wrong_extension"
    assert "does not end in .pdf" in message


@pytest.mark.django_db
def test_zip_named_pdf_supplement_refused_by_the_form_nothing_saved(author_client, call):
    data = form_data(call, pdf=make_pdf(3))
    data["supplement"] = upload(zip_bytes(), "supplement.pdf")

    response = author_client.post(reverse("submissions:create", args=[call.slug]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "“supplement.pdf” is a zip archive" in page
    # The author's input is kept for the next try; nothing is stored.
    assert "Clean-label backdoors in practice" in page
    assert not Submission.objects.exists()
    assert not SubmissionFile.objects.exists()
