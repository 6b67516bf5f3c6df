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


WORDS = (
    "model data training results method analysis robust learning network performance "
    "evaluation baseline experiment dataset optimization gradient sample distribution "
    "accuracy approach proposed inference parameter variance theorem bound algorithm"
).split()


TEXT_PAGE_BYTES = 2_500  # what a page of :func:`paper_pdf`'s text weighs, compressed


def paper_pdf(
    pages: int = 9,
    *,
    kb: int = 1024,
    seed: int = 0,
    title: str = "An anonymous study of robust learning",
    text_on: dict[int, str] | None = None,
) -> bytes:
    """A paper as authors upload it: ``pages`` pages of two columns of dense text and, on the
    third page, a figure (an incompressible greyscale image) sized so that the file weighs
    about ``kb`` kilobytes. ``text_on`` maps page numbers (from 1) to a line written on that
    page (an author's name, say). ``seed`` makes the text and the image differ."""
    import random

    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader

    rng = random.Random(seed)
    text_on = text_on or {}
    buffer = io.BytesIO()
    # Binary, compressed streams as TeX writes them (reportlab's default is ASCII85 text).
    a85, rl_config.useA85 = rl_config.useA85, 0
    c = canvas.Canvas(buffer, invariant=1, pageCompression=1)
    c.setCreator("LaTeX with hyperref")
    for number in range(1, pages + 1):
        y = 780
        if number == 1:
            c.setFont("Helvetica-Bold", 14)
            c.drawString(72, y, title)
            y -= 30
        if number in text_on:
            c.setFont("Helvetica", 10)
            c.drawString(72, y, text_on[number])
            y -= 16
        if number == 3 and kb * 1024 > TEXT_PAGE_BYTES * pages:
            # Noise does not compress: the image carries the file's weight.
            side = max(8, int((kb * 1024 - TEXT_PAGE_BYTES * pages) ** 0.5))
            noise = rng.randbytes(side * side)
            from PIL import Image

            image = Image.frombytes("L", (side, side), noise)
            c.drawImage(ImageReader(image), 72, 420, width=300, height=300)
            y = 400
        c.setFont("Times-Roman", 9)
        for x in (54, 312):
            text = c.beginText(x, y)
            for _ in range(int((y - 60) / 11)):
                text.textLine(" ".join(rng.choice(WORDS) for _ in range(8)))
            c.drawText(text)
        c.setFont("Helvetica", 8)
        c.drawString(297, 40, str(number))
        c.showPage()
    try:
        c.save()
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()
