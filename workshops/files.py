"""Every file the site serves (PDFs, supplementary material, photos, CSV and calendar exports)
is built by ``file_response``, so every one carries the same safety headers:

- ``Content-Disposition``: ``attachment`` (or ``inline`` for what a browser shows itself: a PDF
  to read, a photo, a calendar feed), with the file name encoded by Django
  (``content_disposition_header``: quotes, non-ASCII and control characters cannot break out);
- ``X-Content-Type-Options: nosniff``: the browser uses the declared type and never guesses one
  from the content (a "PDF" holding HTML is not rendered as a page of the site);
- ``Cache-Control``: ``private, no-store`` unless the file is public.

Who may download is decided before, by the view, with the same rights as the pages
(``paper_rights``, the ``rules`` permissions); ``tests/security/test_downloads.py`` enumerates
every URL that serves a file and checks both.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

PRIVATE = "private, no-store"
PUBLIC = "public, max-age=3600"  # files of a published call, the same for everyone
# A public file whose URL stays while its content changes (a new version, a file taken down):
# caches may store it but must ask again every time (a 304 when the ETag still matches).
REVALIDATE = "public, no-cache"


def cache_for(workshop) -> str:
    """Shared caches may keep a file of a published workshop; a draft's stay private."""
    return PUBLIC if workshop.is_published else PRIVATE


def file_response(
    content=b"",
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    cache_control: str = PRIVATE,
) -> HttpResponse:
    """A response serving ``content`` (bytes or text, or an open binary file streamed with
    ``FileResponse``) as ``filename``. Empty ``content`` gives a response to write into (a CSV
    writer)."""
    if hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
