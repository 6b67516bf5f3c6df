import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

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


# --- Anonymization: nothing identifying survives ------------------------------------------------

SECRET = "Ada Lovelace"
XMP_TEMPLATE = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def _stream(writer, data: bytes, **entries):
    from pypdf.generic import NameObject, StreamObject

    stream = StreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    return writer._add_object(stream)


def leaky_pdf(name: str = SECRET) -> bytes:
    """A 2-page PDF naming ``name`` wherever an author's tools may hide it: the Info dictionary,
    document and page XMP, an annotation's author, an embedded file, private /PieceInfo data,
    associated files, and the /Metadata of a form XObject and of an image."""
    from pypdf.annotations import Link, Text
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.setAuthor(name)
    c.setCreator(name)
    c.beginForm("logo")
    c.rect(0, 0, 20, 20)
    c.endForm()
    for number in (1, 2):
        c.drawString(72, 770, f"A study of testing, page {number}")
        c.doForm("logo")
        c.showPage()
    c.save()

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    xmp = XMP_TEMPLATE.format(name=name).encode()
    writer.xmp_metadata = xmp
    writer.add_attachment("notes.txt", f"Written by {name}".encode())

    def piece_info():
        return DictionaryObject(
            {
                NameObject("/MyEditor"): DictionaryObject(
                    {NameObject("/Private"): TextStringObject(f"owner {name}")}
                )
            }
        )

    writer._root_object[NameObject("/PieceInfo")] = piece_info()
    page = writer.pages[0]
    page[NameObject("/Metadata")] = _stream(writer, xmp, Type=NameObject("/Metadata"))
    page[NameObject("/PieceInfo")] = piece_info()
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("source.txt"),
            NameObject("/EF"): DictionaryObject(
                {NameObject("/F"): _stream(writer, f"source by {name}".encode())}
            ),
        }
    )
    page[NameObject("/AF")] = ArrayObject([writer._add_object(filespec)])
    xobjects = page["/Resources"]["/XObject"]
    form = next(iter(xobjects.values())).get_object()
    form[NameObject("/Metadata")] = _stream(writer, xmp, Type=NameObject("/Metadata"))
    xobjects[NameObject("/Im9")] = _stream(
        writer,
        b"\x80",
        Type=NameObject("/XObject"),
        Subtype=NameObject("/Image"),
        Width=NumberObject(1),
        Height=NumberObject(1),
        ColorSpace=NameObject("/DeviceGray"),
        BitsPerComponent=NumberObject(8),
        Metadata=_stream(writer, xmp, Type=NameObject("/Metadata")),
    )
    note = Text(rect=(50, 550, 70, 570), text="Fix this before the deadline")
    note[NameObject("/T")] = TextStringObject(name)
    writer.add_annotation(page_number=0, annotation=note)
    writer.add_annotation(
        page_number=1, annotation=Link(rect=(50, 50, 200, 70), url="https://example.org/data")
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def all_stream_data(data: bytes) -> list[bytes]:
    """Every stream of ``data``, decoded, found both through pypdf and by a raw zlib scan."""
    import zlib

    from pypdf.generic import StreamObject

    found = []
    reader = PdfReader(io.BytesIO(data), strict=False)
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 — free entries
            continue
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1)
        found.append(raw)
        try:
            found.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            pass
    return found


def leaks(data: bytes, needle: str = "Lovelace") -> list[str]:
    forms = [needle.encode(), needle.encode("utf-16-be"), needle.encode().hex().encode()]
    places = []
    lowered = data.lower()
    if any(form.lower() in lowered for form in forms):
        places.append("raw bytes")
    for index, stream in enumerate(all_stream_data(data)):
        if any(form.lower() in stream.lower() for form in forms):
            places.append(f"stream {index}")
    return places


def test_leaky_pdf_fixture_really_leaks_everywhere():
    data = leaky_pdf()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/Author"] == SECRET
    assert reader.xmp_metadata.dc_creator == [SECRET]
    assert "/Metadata" in reader.pages[0]
    assert reader.attachments["notes.txt"]
    assert leaks(data)


def test_anonymize_pdf_leaves_no_author_bytes_anywhere():
    original = leaky_pdf()
    anonymized = pdf.anonymize_pdf(original)
    assert leaks(anonymized) == []
    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(anonymized))
    assert len(after.pages) == len(before.pages) == 2
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]


def test_anonymize_pdf_drops_info_xmp_attachments_and_private_data():
    reader = PdfReader(io.BytesIO(pdf.anonymize_pdf(leaky_pdf())))
    info = reader.metadata or {}
    assert set(info) <= {"/Producer"}
    assert reader.xmp_metadata is None
    assert reader.attachments == {}
    root = reader.trailer["/Root"]
    assert "/PieceInfo" not in root and "/Names" not in root
    for page in reader.pages:
        assert not {"/Metadata", "/PieceInfo", "/AF"} & set(page)


def test_anonymize_pdf_keeps_links_and_drops_markup_annotations():
    reader = PdfReader(io.BytesIO(pdf.anonymize_pdf(leaky_pdf())))
    assert "/Annots" not in reader.pages[0] or not reader.pages[0]["/Annots"]
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert [a["/Subtype"] for a in links] == ["/Link"]
    assert links[0]["/A"]["/URI"] == "https://example.org/data"


# --- Identity warnings: whole words, name variants --------------------------------------------


def warnings_for(text: str, authors, **meta) -> list[str]:
    checked = pdf.check_pdf(upload(make_pdf(1, text=text, **meta)), max_mb=20)
    return pdf.identity_warnings(checked, authors)


MIT_AUTHOR = [{"name": "Grace Hopper", "email": "grace@navy.example", "affiliation": "MIT"}]


def test_identity_warnings_affiliation_inside_a_word_is_not_a_match():
    assert warnings_for("We submit results on admittance and summit data.", MIT_AUTHOR) == []


def test_identity_warnings_affiliation_as_a_word_is_a_match():
    warnings = warnings_for("Work done at MIT, Cambridge.", MIT_AUTHOR)
    assert any("affiliation “MIT”" in w for w in warnings)


def test_identity_warnings_short_affiliation_ignored():
    authors = [{"name": "Grace Hopper", "email": "grace@navy.example", "affiliation": "AS"}]
    assert warnings_for("AS we show, as expected.", authors) == []


@pytest.mark.parametrize(
    "text",
    ["Lovelace, A. (2025). Notes.", "As shown by A. Lovelace in her notes", "LOVELACE, A."],
)
def test_identity_warnings_catch_initial_and_surname_forms(text):
    warnings = warnings_for(text, AUTHORS)
    assert any("name “Ada Lovelace”" in w for w in warnings), warnings


def test_identity_warnings_name_inside_a_longer_word_is_not_a_match():
    authors = [{"name": "Ann Lee", "email": "ann@lee.example", "affiliation": ""}]
    assert warnings_for("Joann Leeway studied this.", authors) == []


def test_identity_warnings_email_matched_as_a_whole_address():
    assert warnings_for("Contact: ada@analytical.example.", AUTHORS)
    assert warnings_for("Contact: nada@analytical.examples", AUTHORS) == []


def test_identity_warnings_metadata_matched_as_whole_words():
    assert warnings_for("", MIT_AUTHOR, subject="Transmitted results") == []
    assert warnings_for("", AUTHORS, author="Lovelace, A.")
