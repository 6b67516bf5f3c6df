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
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

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


# What a file is, by its first bytes: its name and the browser's content type are claims.
EXTENSIONS = {"pdf": ".pdf", "zip": ".zip"}
TYPE_NAMES = {"pdf": "a PDF file", "zip": "a zip archive"}


def sniff(head: bytes) -> str | None:
    """``"zip"``, ``"pdf"`` or None, from the first bytes of a file. A zip archive starts with
    ``PK\\x03\\x04`` (or is an empty archive); a PDF has ``%PDF-`` in its first kilobyte (readers
    accept a few bytes before it) and does not start as a zip archive."""
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    return None


def _is_really(head: bytes) -> str:
    kind = sniff(head)
    return f": it is {TYPE_NAMES[kind]}" if kind and kind != "pdf" else ""


def _refuse_wrong_extension(upload, kind: str, label: str) -> None:
    """The file's name must end in the extension of what its content is: a zip archive named
    ``.pdf`` would be offered to whoever downloads it as a PDF."""
    name = safe_name(getattr(upload, "name", ""))
    expected = EXTENSIONS[kind]
    if not name.lower().endswith(expected):
        raise ValidationError(
            f"The {label} “{name}” is {TYPE_NAMES[kind]}, but its name does not end in "
            f"{expected}. Please upload a file whose name matches its content (rename it to "
            f"end in {expected} if it is the file you meant).",
            code="wrong_extension",
        )


def _refuse_polyglot(upload, label: str) -> None:
    """A PDF that is also a zip archive (an archive appended to a PDF opens as either)."""
    upload.seek(0)
    is_zip = zipfile.is_zipfile(upload)
    upload.seek(0)
    if is_zip:
        raise ValidationError(
            f"The {label} is a PDF with a zip archive attached to its end. Please export the "
            "PDF again and upload the supplementary files as a separate zip archive.",
            code="polyglot",
        )


def check_pdf(upload, *, max_mb: int, label: str = "PDF", read_text: bool = True) -> CheckedFile:
    """Check an uploaded PDF: size, really a PDF, not encrypted, not empty, not broken.

    Raises ``ValidationError`` with a message for the author.
    """
    size, sha, head = _digest(upload, max_mb * MB, label)
    if sniff(head) != "pdf":
        raise ValidationError(
            f"The {label} is not a PDF file{_is_really(head)} (whatever its name says). "
            "Please export it as PDF and upload that file.",
            code="not_pdf",
        )
    _refuse_polyglot(upload, label)
    _refuse_wrong_extension(upload, "pdf", label)
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
    if sniff(head) == "zip":
        upload.seek(0)
        ok = zipfile.is_zipfile(upload)
        upload.seek(0)
        if not ok:
            raise ValidationError("The zip archive is damaged or incomplete.", code="broken_zip")
        _refuse_wrong_extension(upload, "zip", label)
        return CheckedFile(
            upload=upload,
            kind="zip",
            original_name=safe_name(getattr(upload, "name", "")),
            size=size,
            sha256=sha,
        )
    if sniff(head) == "pdf":
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


MIN_NEEDLE = 3  # shorter names, e-mails or affiliations ("AS", "UT") match too much text


def _words(text: str) -> str:
    """A regex for the words of ``text`` in this order, any run of white space between them."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _whole(pattern: str) -> re.Pattern:
    """``pattern`` as whole words only: no letter, digit or address character right before or
    after it (a final full stop is fine: "ada@uni.example." ends a sentence)."""
    return re.compile(rf"(?<![\w@.]){pattern}(?![\w@]|\.\w)", re.IGNORECASE)


def _name_patterns(name: str) -> list[str]:
    """The name as written, and as in references: "Lovelace, A.", "A. Lovelace", "A. B.
    Lovelace", "Lovelace, A. B." (the initials' dots required: "a Lovelace" is prose)."""
    patterns = [_words(name)]
    parts = name.replace(",", " ").split()
    if len(parts) < 2:
        return patterns
    surname, given = parts[-1], parts[:-1]
    initial_sets = [[given[0][0]]]
    if len(given) > 1:
        initial_sets.append([g[0] for g in given])
    for initials in initial_sets:
        dotted = r"\s*".join(re.escape(i) + r"\." for i in initials)
        patterns.append(rf"{re.escape(surname)},\s*{dotted}")
        patterns.append(rf"{dotted}\s*{re.escape(surname)}")
    return patterns


def _needles(authors) -> list[tuple[str, re.Pattern]]:
    """``(label, compiled pattern)`` pairs worth searching for: names (with the variants of
    :func:`_name_patterns`), e-mail addresses and affiliations, each as whole words."""
    needles = []
    for author in authors:
        name = " ".join((_get(author, "name") or "").split())
        email = (_get(author, "email") or "").strip()
        affiliation = " ".join((_get(author, "affiliation") or "").split())
        if len(name) >= MIN_NEEDLE:
            for pattern in _name_patterns(name):
                needles.append((f"name “{name}”", _whole(pattern)))
        if len(email) >= MIN_NEEDLE:
            needles.append((f"e-mail “{email}”", _whole(re.escape(email))))
        if len(affiliation) >= MIN_NEEDLE:
            needles.append((f"affiliation “{affiliation}”", _whole(_words(affiliation))))
    return needles


def _get(author, attr: str) -> str:
    return author.get(attr, "") if isinstance(author, dict) else getattr(author, attr, "")


def identity_warnings(checked: CheckedFile, authors) -> list[str]:
    """Where the PDF may reveal its authors: metadata fields and the first pages' text.

    ``authors`` are objects or dicts with ``name``, ``email`` and ``affiliation``. Matches are
    whole words, case-insensitive: "MIT" is not found in "submit".
    """
    warnings = []
    needles = _needles(authors)
    for key, value in checked.metadata.items():
        for label, pattern in needles:
            if pattern.search(value):
                warnings.append(f"The PDF's metadata field {key} contains the author {label}.")
    text = " ".join(checked.first_pages_text.split())
    for label, pattern in needles:
        if pattern.search(text):
            warnings.append(
                f"The text of the first {IDENTITY_PAGES} pages contains the author {label}."
            )
    return list(dict.fromkeys(warnings))


# --- The copy reviewers read ------------------------------------------------------------------


# Keys that carry document-level or private data wherever they appear: XMP streams, an
# application's private data, associated (embedded) files, thumbnails' and structure links.
PRIVATE_KEYS = (
    "/Metadata",
    "/PieceInfo",
    "/AF",
    "/LastModified",
    "/StructParent",
    "/StructParents",
)
# Annotations that are part of how a paper reads; every other kind (comments, highlights,
# file attachments, pop-ups, form widgets) can carry an author's name and is dropped.
KEPT_ANNOTATIONS = {"/Link"}
LINK_PRIVATE_KEYS = ("/T", "/Popup", "/RC", "/IRT", "/M", "/NM", "/Contents", "/CreationDate")
# Active content, wherever it appears: additional actions (on opening or closing a page,
# on mouse or focus events), JavaScript, action chains, forms and media. The catalog, where
# document-level actions, JavaScript, attachments and forms live, is never copied at all.
ACTIVE_KEYS = (
    "/AA",
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/Next",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFiles",
    "/RichMediaContent",
)
# The only actions a link keeps: go to a place in the paper, or open a web or mail address.
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")


def _safe_action(action) -> bool:
    try:
        action = action.get_object()
        kind = action.get("/S")
        if kind == "/GoTo":
            return True
        if kind == "/URI":
            uri = str(action.get("/URI", "")).strip().lower()
            return uri.startswith(SAFE_URI_SCHEMES)
    except Exception:  # noqa: BLE001 — an unreadable action is dropped
        logger.info("Unreadable link action", exc_info=True)
    return False


def _annotation_subtype(annotation) -> str:
    try:
        return str(annotation.get_object().get("/Subtype", ""))
    except Exception:  # noqa: BLE001 — an unreadable annotation is dropped
        return ""


def _scrub(obj, seen: set[tuple[int, int]]) -> None:
    """Remove :data:`PRIVATE_KEYS` from ``obj`` and everything it reaches, in place."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001 — a dangling reference is not followed
                continue
        if isinstance(item, DictionaryObject):
            for private in PRIVATE_KEYS:
                if private in item:
                    del item[NameObject(private)]
            if "/Annots" in item:
                kept = ArrayObject(
                    a for a in item["/Annots"] if _annotation_subtype(a) in KEPT_ANNOTATIONS
                )
                if kept:
                    item[NameObject("/Annots")] = kept
                else:
                    del item[NameObject("/Annots")]
            for active in ACTIVE_KEYS:
                if active in item:
                    del item[NameObject(active)]
            if item.get("/Subtype") in KEPT_ANNOTATIONS and item.get("/Type", "/Annot") == "/Annot":
                for private in LINK_PRIVATE_KEYS:
                    if private in item:
                        del item[NameObject(private)]
                if "/A" in item and not _safe_action(item["/A"]):
                    del item[NameObject("/A")]
            stack.extend(v for k, v in item.items() if k not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def anonymize_pdf(data: bytes) -> bytes:
    """A copy of ``data`` that keeps the pages (text, images, links) and nothing else.

    A fresh document receives the pages one by one; the original's catalog (document XMP,
    attachments, outlines, private /PieceInfo data, form fields and XFA, document JavaScript
    and /OpenAction, structure tree) and Info dictionary are never copied. Before that, every
    object the pages reach (annotations, form XObjects, images, fonts) loses its /Metadata,
    /PieceInfo, associated files and active content (:data:`ACTIVE_KEYS`: page and annotation
    /AA, JavaScript, action chains), and every annotation but links is dropped, with the
    author fields of links; a link keeps its action only if it goes to a place in the paper or
    opens an http(s) or mailto address (no /Launch, /JavaScript, /GoToR, /SubmitForm...).
    Objects no page refers to any more are not written. ``tests/submissions/test_hostile_pdf``
    checks all this on a hostile PDF.
    """
    reader = PdfReader(io.BytesIO(data), strict=False)
    seen: set[tuple[int, int]] = set()
    for page in reader.pages:
        _scrub(page, seen)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.metadata = None  # no Info dictionary at all (pypdf would name itself as Producer)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Part of the cache's file names: raise it whenever :func:`anonymize_pdf` removes more, so no
# copy made by an older, leakier version is ever served again.
ANONYMIZER_VERSION = 3


def anonymized_storage_name(submission_file) -> str:
    sub = submission_file.submission
    return (
        f"submissions/{sub.workshop_id}/{sub.pk}/anonymized/a{ANONYMIZER_VERSION}/"
        f"{submission_file.kind}-v{submission_file.version}-{submission_file.sha256[:16]}.pdf"
    )


def anonymized_pdf_bytes(submission_file) -> bytes:
    """The PDF of ``submission_file`` as reviewers get it (:func:`anonymize_pdf`).

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
