"""Demo PDFs with real text: a title page (title, authors, abstract) and numbered pages.

Written with pypdf only (no test dependency at run time): each page gets a hand-written content
stream in the standard Helvetica font, so the text can be selected, searched and extracted like
that of a real paper.
"""

from __future__ import annotations

import io
import textwrap

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

A4 = (595, 842)
MARGIN = 72


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) encoding, characters outside it replaced."""
    data = text.encode("cp1252", errors="replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _lines(lines: list[tuple[int, str]], top: int) -> bytes:
    """A text object drawing ``(font size, text)`` lines from ``top`` down."""
    ops = [b"BT", f"{MARGIN} {top} Td".encode()]
    previous = None
    for size, text in lines:
        if size != previous:
            ops.append(f"/F1 {size} Tf {round(size * 1.4)} TL".encode())
            previous = size
        ops.append(_literal(text) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def paper_pdf_bytes(
    *, title: str, authors: list[str], abstract: str = "", pages: int = 1, footer: str = ""
) -> bytes:
    """A PDF of ``pages`` A4 pages whose first page carries ``title``, ``authors`` (one line
    each, e.g. "Name, Affiliation") and ``abstract``; every page is numbered."""
    writer = PdfWriter()
    font = writer._add_object(  # noqa: SLF001 — pypdf's way to add an indirect object
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    width = 78
    for number in range(1, max(1, pages) + 1):
        page = writer.add_blank_page(*A4)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        body: list[tuple[int, str]] = []
        if number == 1:
            body += [(16, line) for line in textwrap.wrap(title, 55)]
            body.append((11, ""))
            body += [(11, author) for author in authors]
            if abstract:
                body += [(11, ""), (11, "Abstract")]
                body += [(10, line) for line in textwrap.wrap(abstract, width)]
        else:
            body.append((10, f"{title} (continued)"))
        content = _lines(body, A4[1] - MARGIN)
        bottom = f"{footer} - page {number} of {pages}" if footer else f"Page {number} of {pages}"
        content += b"\n" + _lines([(9, bottom)], 40)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)  # noqa: SLF001
    writer.add_metadata({"/Title": " ".join(title.split()), "/Author": "; ".join(authors)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
