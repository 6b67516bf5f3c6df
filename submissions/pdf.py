"""Checking uploaded PDFs and supplementary material, and the anonymized copy for reviewers.

Files are judged by their content (parsed with pypdf, zip magic bytes), never by their name or
the browser's content type. Nothing here writes to storage except :func:`anonymized_pdf_bytes`,
which caches its result.
"""

from __future__ import annotations

import hashlib
import io
import logging
import ntpath
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError
from pypdf.generic import NameObject

logger = logging.getLogger(__name__)

MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive
IDENTITY_PAGES = 2  # pages whose text is searched for author names in double-blind calls
METADATA_FIELDS = ("/Author", "/Creator", "/Producer", "/Title", "/Subject", "/Keywords")


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to be stored as a ``SubmissionFile``."""

    upload: object  # the Django UploadedFile (seekable)
    kind: str  # "pdf" or "zip"
    original_name: str
    size: int
    sha256: str
    pages: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    first_pages_text: str = ""


def safe_name(name: str) -> str:
    """The base name of an uploaded file: no directories (POSIX or Windows), no control chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = ntpath.basename(posixpath.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:255] or "upload"


def _digest(upload, max_bytes: int, label: str) -> tuple[int, str, bytes]:
    """Size, sha256 and first bytes of ``upload``, read in chunks; refuses oversize files."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"The {label} is {size / MB:.1f} MB; the limit is {max_bytes // MB} MB.",
            code="too_large",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(MB), b"")
    for chunk in chunks:
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                f"The {label} is larger than the limit of {max_bytes // MB} MB.", code="too_large"
            )
        digest.update(chunk)
    upload.seek(0)
    if size == 0:
        raise ValidationError(f"The {label} is empty (0 bytes).", code="empty")
    return size, digest.hexdigest(), head


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_clean_text(v) for v in value)
    return str(value).strip()


def read_pdf(data_or_stream, *, label: str = "PDF") -> PdfReader:
    """Parse strictly; every failure becomes a clear ``ValidationError``."""
    stream = io.BytesIO(data_or_stream) if isinstance(data_or_stream, bytes) else data_or_stream
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=True)
        if reader.is_encrypted:
            raise ValidationError(
                f"The {label} is encrypted or password-protected. Please upload it without "
                "protection so reviewers can open it.",
                code="encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except FileNotDecryptedError as exc:
        raise ValidationError(f"The {label} is encrypted.", code="encrypted") from exc
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
        AssertionError,
    ) as exc:
        logger.info("Unreadable PDF: %s", exc)
        raise ValidationError(
            f"The {label} could not be read: it looks damaged or incomplete (for example an "
            "interrupted upload or export). Please export it again and upload the new file.",
            code="broken",
        ) from exc
    if pages == 0:
        raise ValidationError(f"The {label} has no pages.", code="no_pages")
    return reader


def _metadata(reader: PdfReader) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        info = reader.metadata or {}
        for key in METADATA_FIELDS:
            value = _clean_text(info.get(key))
            if value:
                found[key.lstrip("/")] = value
    except Exception:  # noqa: BLE001 — broken metadata is not a reason to refuse the paper
        logger.info("Unreadable PDF metadata", exc_info=True)
    try:
        xmp = reader.xmp_metadata
        if xmp is not None:
            creators = _clean_text(xmp.dc_creator)
            if creators:
                found["XMP dc:creator"] = creators
            tool = _clean_text(xmp.xmp_creator_tool)
            if tool:
                found["XMP CreatorTool"] = tool
    except Exception:  # noqa: BLE001
        logger.info("Unreadable XMP metadata", exc_info=True)
    return found


def _first_pages_text(reader: PdfReader, pages: int = IDENTITY_PAGES) -> str:
    texts = []
    for page in reader.pages[:pages]:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 — text extraction is best effort
            logger.info("Text extraction failed", exc_info=True)
    return "\n".join(texts)


def check_pdf(upload, *, max_mb: int, label: str = "PDF", read_text: bool = True) -> CheckedFile:
    """Check an uploaded PDF: size, really a PDF, not encrypted, not empty, not broken.

    Raises ``ValidationError`` with a message for the author.
    """
    size, sha, head = _digest(upload, max_mb * MB, label)
    if PDF_MAGIC not in head:
        raise ValidationError(
            f"The {label} is not a PDF file (whatever its name says). Please export it "
            "as PDF and upload that file.",
            code="not_pdf",
        )
    reader = read_pdf(upload, label=label)
    checked = CheckedFile(
        upload=upload,
        kind="pdf",
        original_name=safe_name(getattr(upload, "name", "")),
        size=size,
        sha256=sha,
        pages=len(reader.pages),
        metadata=_metadata(reader),
        first_pages_text=_first_pages_text(reader) if read_text else "",
    )
    upload.seek(0)
    return checked


def check_supplement(upload, *, max_mb: int) -> CheckedFile:
    """Supplementary material: a PDF or a zip archive (never extracted on the server)."""
    label = "supplementary material"
    size, sha, head = _digest(upload, max_mb * MB, label)
    if head.startswith(ZIP_MAGICS):
        upload.seek(0)
        ok = zipfile.is_zipfile(upload)
        upload.seek(0)
        if not ok:
            raise ValidationError("The zip archive is damaged or incomplete.", code="broken_zip")
        return CheckedFile(
            upload=upload,
            kind="zip",
            original_name=safe_name(getattr(upload, "name", "")),
            size=size,
            sha256=sha,
        )
    if PDF_MAGIC in head:
        return check_pdf(upload, max_mb=max_mb, label=label, read_text=False)
    raise ValidationError(
        "Supplementary material must be a PDF or a zip archive.", code="bad_supplement"
    )


def page_limit_error(pages: int, submission_type) -> str | None:
    """The author-facing message when ``pages`` exceed the type's limit, else None:
    "Your PDF has 12 pages; Full paper allows up to 8 pages, excluding references (at most
    10 pages in the PDF)." The limit reads as on the call page (``limit_description``)."""
    if submission_type is None or pages <= submission_type.max_pdf_pages:
        return None
    return (
        f"Your PDF has {pages} pages; "
        f"{submission_type.name} allows {submission_type.limit_description}."
    )


def _needles(authors) -> list[tuple[str, str]]:
    """``(label, lowercased text)`` pairs worth searching for: names, e-mails, affiliations."""
    needles = []
    for author in authors:
        name = _get(author, "name")
        email = _get(author, "email")
        affiliation = _get(author, "affiliation")
        for label, value in (("name", name), ("e-mail", email), ("affiliation", affiliation)):
            value = " ".join((value or "").split())
            if len(value) >= 3:
                needles.append((f"{label} “{value}”", value.casefold()))
    return needles


def _get(author, attr: str) -> str:
    return author.get(attr, "") if isinstance(author, dict) else getattr(author, attr, "")


def identity_warnings(checked: CheckedFile, authors) -> list[str]:
    """Where the PDF may reveal its authors: metadata fields and the first pages' text.

    ``authors`` are objects or dicts with ``name``, ``email`` and ``affiliation``.
    """
    warnings = []
    needles = _needles(authors)
    for key, value in checked.metadata.items():
        folded = value.casefold()
        for label, needle in needles:
            if needle in folded:
                warnings.append(f"The PDF's metadata field {key} contains the author {label}.")
    text = " ".join(checked.first_pages_text.split()).casefold()
    for label, needle in needles:
        if needle in text:
            warnings.append(
                f"The text of the first {IDENTITY_PAGES} pages contains the author {label}."
            )
    return list(dict.fromkeys(warnings))


# --- The copy reviewers read ------------------------------------------------------------------


def anonymize_pdf(data: bytes) -> bytes:
    """A copy of ``data`` without document metadata (Info dictionary and XMP streams)."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    root = writer._root_object
    if "/Metadata" in root:
        del root[NameObject("/Metadata")]
    for page in writer.pages:
        if "/Metadata" in page:
            del page[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def anonymized_storage_name(submission_file) -> str:
    sub = submission_file.submission
    return (
        f"submissions/{sub.workshop_id}/{sub.pk}/anonymized/"
        f"{submission_file.kind}-v{submission_file.version}-{submission_file.sha256[:16]}.pdf"
    )


def anonymized_pdf_bytes(submission_file) -> bytes:
    """The PDF of ``submission_file`` with identifying metadata removed, for reviewers.

    Cached in the default storage next to the original (never overwriting it).
    """
    name = anonymized_storage_name(submission_file)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as cached:
            return cached.read()
    with submission_file.file.open("rb") as original:
        data = original.read()
    anonymized = anonymize_pdf(data)
    try:
        default_storage.save(name, ContentFile(anonymized))
    except Exception:  # noqa: BLE001 — the cache is an optimization
        logger.warning("Could not cache the anonymized PDF %s", name, exc_info=True)
    return anonymized


# --- Small valid PDFs (demo data, previews) ---------------------------------------------------


def minimal_pdf_bytes(*, pages: int = 1, title: str = "", author: str = "") -> bytes:
    """A valid blank PDF of ``pages`` A4 pages with optional metadata; needs only pypdf."""
    writer = PdfWriter()
    for _ in range(max(1, pages)):
        writer.add_blank_page(width=595, height=842)
    metadata = {"/Title": re.sub(r"\s+", " ", title)} if title else {}
    if author:
        metadata["/Author"] = author
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
