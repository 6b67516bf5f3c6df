import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from submissions import pdf
from tests.pdfs import encrypted_pdf, make_pdf, pdf_with_xmp_creator, truncated_pdf

AUTHORS = [{"name": "Ada Lovelace", "email": "ada@analytical.example", "affiliation": "Analytical"}]


def upload(data, name="paper.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def error_code(data, **kwargs):
    with pytest.raises(ValidationError) as info:
        pdf.check_pdf(upload(data), max_mb=kwargs.get("max_mb", 20))
    return info.value.code, " ".join(info.value.messages)


def test_check_pdf_valid_counts_pages_and_hashes():
    data = make_pdf(5)
    checked = pdf.check_pdf(upload(data), max_mb=20)
    assert checked.pages == 5
    assert checked.size == len(data)
    assert len(checked.sha256) == 64


def test_check_pdf_renamed_text_file_refused():
    code, message = error_code(b"Dear reviewers, this is plain text.\n" * 20)
    assert code == "not_pdf"
    assert "not a PDF" in message


def test_check_pdf_empty_file_refused():
    assert error_code(b"")[0] == "empty"


def test_check_pdf_truncated_refused_with_clear_message():
    code, message = error_code(truncated_pdf())
    assert code == "broken"
    assert "damaged or incomplete" in message


def test_check_pdf_header_only_refused():
    assert error_code(b"%PDF-1.7\n%%EOF\n")[0] == "broken"


def test_check_pdf_encrypted_refused():
    assert error_code(encrypted_pdf())[0] == "encrypted"


def test_check_pdf_encrypted_with_empty_password_refused():
    assert error_code(encrypted_pdf(password=""))[0] == "encrypted"


def test_check_pdf_oversize_refused():
    data = make_pdf(1) + b"%" + b"x" * (1024 * 1024)
    code, message = error_code(data, max_mb=1)
    assert code == "too_large"
    assert "1 MB" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/abs/path/paper.pdf", "paper.pdf"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_safe_name_strips_path_components(name, expected):
    assert pdf.safe_name(name) == expected


def test_check_pdf_original_name_is_base_name():
    checked = pdf.check_pdf(upload(make_pdf(), name="../../etc/passwd.pdf"), max_mb=20)
    assert checked.original_name == "passwd.pdf"


def test_identity_warnings_metadata_author_and_text():
    data = make_pdf(2, author="Ada Lovelace", text="ADA@analytical.example")
    checked = pdf.check_pdf(upload(data), max_mb=20)
    warnings = pdf.identity_warnings(checked, AUTHORS)
    assert any("metadata field Author" in w for w in warnings)
    assert any("text of the first 2 pages" in w and "e-mail" in w for w in warnings)


def test_identity_warnings_xmp_creator():
    checked = pdf.check_pdf(upload(pdf_with_xmp_creator("ada lovelace")), max_mb=20)
    warnings = pdf.identity_warnings(checked, AUTHORS)
    assert any("XMP dc:creator" in w for w in warnings)


def test_identity_warnings_clean_pdf_has_none():
    checked = pdf.check_pdf(upload(make_pdf(2)), max_mb=20)
    assert pdf.identity_warnings(checked, AUTHORS) == []


def test_anonymize_pdf_removes_metadata_and_keeps_pages():
    data = pdf_with_xmp_creator("Ada Lovelace")
    anonymized = PdfReader(io.BytesIO(pdf.anonymize_pdf(make_pdf(3, author="Ada Lovelace"))))
    assert len(anonymized.pages) == 3
    assert not (anonymized.metadata or {}).get("/Author")
    assert not (anonymized.metadata or {}).get("/Creator")
    assert not (anonymized.metadata or {}).get("/Producer")
    assert PdfReader(io.BytesIO(pdf.anonymize_pdf(data))).xmp_metadata is None


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.sh", "rm -rf /")
    return buffer.getvalue()


def test_check_supplement_zip_accepted_without_extracting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checked = pdf.check_supplement(upload(zip_bytes(), name="code.zip"), max_mb=5)
    assert checked.kind == "zip"
    assert list(tmp_path.iterdir()) == []


def test_check_supplement_broken_zip_refused():
    with pytest.raises(ValidationError) as info:
        pdf.check_supplement(upload(b"PK\x03\x04garbage" * 10, name="code.zip"), max_mb=5)
    assert info.value.code == "broken_zip"


def test_check_supplement_other_type_refused():
    with pytest.raises(ValidationError) as info:
        pdf.check_supplement(upload(b"\x89PNG\r\n\x1a\n...", name="data.zip"), max_mb=5)
    assert info.value.code == "bad_supplement"


def test_check_supplement_pdf_accepted():
    assert pdf.check_supplement(upload(make_pdf(2)), max_mb=5).pages == 2


def test_page_limit_message_names_pages_and_allowance(paper_type):
    assert pdf.page_limit_error(10, paper_type) is None
    assert pdf.page_limit_error(11, paper_type) == (
        "Your PDF has 11 pages; Full paper allows up to 8 pages, excluding references "
        "(at most 10 pages in the PDF)."
    )


def test_page_limit_message_names_the_type_once(paper_type):
    message = pdf.page_limit_error(11, paper_type)
    assert message.count("Full paper") == 1
    assert paper_type.limit_description in message


def test_limit_description_singular_page_and_no_allowance(paper_type):
    paper_type.page_limit, paper_type.extra_pages_allowance = 1, 0
    paper_type.references_excluded = paper_type.appendices_excluded = False
    assert paper_type.limit_description == "up to 1 page"
    assert str(paper_type) == "Full paper (1 page)"


def test_minimal_pdf_bytes_is_valid():
    data = pdf.minimal_pdf_bytes(pages=4, title="T", author="A")
    assert pdf.check_pdf(upload(data), max_mb=1).pages == 4


@pytest.mark.django_db
def test_anonymized_pdf_bytes_caches_in_storage(make_submission):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    submission = make_submission()
    record = submission.current_paper
    record.file.save("paper.pdf", ContentFile(make_pdf(2, author="Ada Lovelace")), save=True)
    first = pdf.anonymized_pdf_bytes(record)
    assert default_storage.exists(pdf.anonymized_storage_name(record))
    assert pdf.anonymized_pdf_bytes(record) == first
    assert not (PdfReader(io.BytesIO(first)).metadata or {}).get("/Author")
    with record.file.open("rb") as original:
        assert b"Ada Lovelace" in original.read()  # the original is never overwritten
