"""Real PDFs for the tests, generated with reportlab (and pypdf for encryption)."""

import io

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas


def make_pdf(pages: int = 1, *, author: str = "", text: str = "", creator: str = "") -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    if author:
        c.setAuthor(author)
    c.setCreator(creator or "anonymous")
    for number in range(1, pages + 1):
        c.drawString(72, 770, f"A study of testing, page {number}")
        if text and number == 1:
            c.drawString(72, 740, text)
        c.showPage()
    c.save()
    return buffer.getvalue()


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
