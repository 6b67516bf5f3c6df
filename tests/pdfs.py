"""Real PDFs for the tests, generated with reportlab (and pypdf for encryption and XMP)."""

import io

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas


def make_pdf(
    pages: int = 1,
    *,
    author: str = "",
    title: str = "",
    subject: str = "",
    keywords: str = "",
    creator: str = "",
    text: str = "",
) -> bytes:
    """A PDF of ``pages`` pages; ``text`` is written on the first page. The metadata fields are
    left out when empty, but for the creator, which is then "anonymous"."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    if author:
        c.setAuthor(author)
    if subject:
        c.setSubject(subject)
    if keywords:
        c.setKeywords(keywords)
    if title:
        c.setTitle(title)
    c.setCreator(creator or "anonymous")
    for number in range(1, pages + 1):
        c.drawString(72, 770, f"A study of testing, page {number}")
        if text and number == 1:
            c.drawString(72, 740, text)
        c.showPage()
    c.save()
    return buffer.getvalue()


def pdf_by(author: str, *, title: str = "", pages: int = 2) -> bytes:
    """A PDF whose metadata names ``author`` wherever an author's tools leave it (author,
    subject, keywords, creator): what the anonymization of a download must remove."""
    if not author:
        return make_pdf(pages, title=title)
    return make_pdf(
        pages, author=author, title=title, subject=f"by {author}", keywords=author, creator=author
    )


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = make_pdf(3)
    return data[: len(data) // 2]


def pdf_with_xmp_creator(name: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    xmp = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""
    writer.xmp_metadata = xmp.encode()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
