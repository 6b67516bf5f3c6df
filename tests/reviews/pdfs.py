"""Real PDFs for the review tests, generated with reportlab."""

import io

from reportlab.pdfgen import canvas


def make_pdf(*, author: str = "", title: str = "", pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    if author:
        c.setAuthor(author)
        c.setSubject(f"by {author}")
        c.setKeywords(author)
    if title:
        c.setTitle(title)
    c.setCreator(author or "anonymous")
    for number in range(1, pages + 1):
        c.drawString(72, 770, f"Anonymous submission, page {number}")
        c.showPage()
    c.save()
    return buffer.getvalue()
