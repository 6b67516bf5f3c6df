"""The site's own 500 and 503 pages.

Django calls ``handler500`` for any exception that escapes a view or a middleware, inside the
``except`` block, so ``sys.exc_info()`` still names it. A database that cannot be reached
(``OperationalError``/``InterfaceError``: server down, restarting, connection lost) is an
outage, not a bug: it gets a 503 with ``Retry-After`` and one log line instead of a 500 and a
traceback per request. Both pages render with a plain context (no context processors, no user,
no database), so they still render while the database is down.
"""

from __future__ import annotations

import logging
import sys

from django import db
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("config.outage")

# Seconds a client is told to wait before retrying while the database is unreachable.
RETRY_AFTER = 30
DATABASE_DOWN = (db.OperationalError, db.InterfaceError)


class HttpResponseServiceUnavailable(HttpResponseServerError):
    status_code = 503


def _render(template_name: str, request, **context) -> str:
    context["was_post"] = request is not None and request.method == "POST"
    return loader.get_template(template_name).render(context)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable(request, exc)
    return HttpResponseServerError(_render(template_name, request))


def database_unavailable(request, exc):
    """The 503 page; logs one line (the request logger's traceback is skipped)."""
    logger.error(
        "Database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )
    response = HttpResponseServiceUnavailable(_render("503.html", request, retry_after=RETRY_AFTER))
    response["Retry-After"] = str(RETRY_AFTER)
    response._has_been_logged = True  # django.request would log it again, with a traceback
    return response
