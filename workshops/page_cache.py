"""A cache of the public pages as anonymous visitors see them (docs/benchmarks.md, "public pages").

What is cached: the body of a ``200`` answer to an anonymous ``GET`` without a query string,
for the list of calls, a workshop's page, its program and its accepted papers. A page is
stored only if rendering it set no cookie, used no CSRF token and showed no message, so it is
the same for every anonymous visitor; a signed-in user, or a visitor with a message waiting,
always gets a page rendered for them (their header, their links, their token). The middleware
still runs on every answer (security headers, content security policy, ``Vary: Cookie``).

When it goes stale: every stored page remembers the *generation* tokens of what it shows,
``index`` for the list of calls and ``w<pk>`` for a workshop's pages. A page is served only
while those tokens are unchanged. They change

- at every change recorded through ``activity.services.record`` (the one door of state
  changes, including the ones written with ``QuerySet.update``): the workshop's token, and the
  list's token unless the change is about one paper;
- at every save or delete of a model a public page shows (``connect_signals``), so changes made
  outside the services (the admin, the demo loader) are seen too;

both at once and again when the transaction commits, so that a page rendered by another
request between the two, from the data before the commit, is not kept. A page also expires at
the next date of the workshop (or of any call, for the list): whether a call is open, and which
deadline comes next, change then without any write. ``PAGE_CACHE_SECONDS`` bounds every entry
(the countdown text is at most that old; the page's script updates it anyway).

The cache is the ``pages`` alias of ``CACHES``: Redis in production (``CACHE_URL``), shared by
every worker process, so an edit in one is seen by all.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import time
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

ALIAS = "pages"
INDEX = "index"


def _cache():
    return caches[ALIAS]


def _token_key(scope: str) -> str:
    return f"public-gen:{scope}"


def workshop_scope(workshop_id) -> str:
    return f"w{workshop_id}"


def _bump(scopes: tuple[str, ...]) -> None:
    try:
        token = uuid.uuid4().hex
        _cache().set_many({_token_key(s): token for s in scopes}, timeout=None)
    except Exception:  # a cache outage must not fail the change; entries expire on their own
        logger.warning("could not invalidate public pages %s", scopes, exc_info=True)


def invalidate(workshop_id=None, *, index: bool = True) -> None:
    """The public pages of workshop ``workshop_id`` (and the list of calls if ``index``) are
    rendered anew from now on, and again after the current transaction commits."""
    scopes = tuple(
        s
        for s, wanted in ((workshop_scope(workshop_id), workshop_id is not None), (INDEX, index))
        if wanted
    )
    if not scopes:
        return
    _bump(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(functools.partial(_bump, scopes))


# --- Saves and deletes -------------------------------------------------------------------------

# Models shown on the public pages, by "app_label.ModelName", with whether the list of calls
# shows them too. Each has a ``workshop_id`` (the workshop itself: its ``pk``).
SHOWN = {
    "workshops.Workshop": True,
    "workshops.ImportantDate": True,
    "workshops.Topic": False,
    "workshops.SubmissionType": False,
    "workshops.ReviewCriterion": False,
    "workshops.Person": False,
    "program.Program": False,
    "program.Session": False,
    "publication.PublicationSettings": False,
    "submissions.Submission": False,
}


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    workshop_id = instance.pk if sender._meta.label == "workshops.Workshop" else None
    workshop_id = workshop_id or getattr(instance, "workshop_id", None)
    invalidate(workshop_id, index=SHOWN[sender._meta.label])


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in SHOWN:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"page_cache:{label}")


# --- The views' side ---------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if request.method != "GET" or request.GET or request.user.is_authenticated:
        return False
    return not len(get_messages(request))  # a waiting message is shown on this visitor's page


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not get_messages(request).used
        and getattr(request, "page_cache_scope", None) is not None
    )


def note(request, scope: str, *, until: dt.datetime | None = None) -> None:
    """Called by a public view: its page shows ``scope`` (``INDEX`` or ``workshop_scope(pk)``)
    and is true until ``until`` (the next date of the call) at the latest."""
    request.page_cache_scope = scope
    request.page_cache_until = until


def next_change(dates, now: dt.datetime) -> dt.datetime | None:
    """The first of ``dates`` (``ImportantDate``) still ahead: when the page changes by itself."""
    return min(
        (d.effective_at for d in dates if d.effective_at and d.effective_at >= now), default=None
    )


def _timeout(until: dt.datetime | None) -> int:
    seconds = settings.PAGE_CACHE_SECONDS
    if until is not None:
        # One second past the date: "now <= deadline" still holds at the deadline itself.
        seconds = min(seconds, math.ceil((until - timezone.now()).total_seconds()) + 1)
    return seconds


def public_page(view):
    """Serve ``view``'s page from the cache to anonymous visitors while it is current.

    The view calls :func:`note` to say what its page shows; a view that does not (a 404, a
    chair's preview) is never stored."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        # The host and scheme too: a page with an absolute link is stored once per site name.
        where = f"{request.scheme}://{request.get_host()}{request.path}"
        page_key, scope_key = f"public-page:{where}", f"public-scope:{where}"
        try:
            cache = _cache()
            kept = _kept.get(where)
            if kept is not None:
                # This process served the page before: one read of its token says whether
                # the copy is still current.
                scopes = kept["scopes"]
                tokens = _tokens(cache, scopes)
                if _current(kept, tokens):
                    return _answer(kept)
                shared = cache.get(page_key)
            else:
                found = cache.get_many([page_key, scope_key])
                scopes, shared = found.get(scope_key), found.get(page_key)
                tokens = _tokens(cache, scopes) if scopes else None
            if scopes and shared is not None and _current(shared, tokens):
                _keep(where, shared)
                return _answer(shared)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        # The tokens were read before rendering: a change that commits while this page renders
        # changes them, so the page stored below is never taken for current.
        response = view(request, *args, **kwargs)
        scope = getattr(request, "page_cache_scope", None)
        if scope is None or not _cacheable_response(request, response):
            return response
        shown = [scope]
        try:
            if shown != scopes:  # the first visit (or the path now shows another workshop)
                cache.set(scope_key, shown, timeout=None)
                return response
            timeout = _timeout(getattr(request, "page_cache_until", None))
            if timeout > 0:
                entry = {
                    "scopes": shown,
                    "tokens": tokens,
                    "expires": time.time() + timeout,
                    "body": response.content,
                    "content_type": response["Content-Type"],
                }
                cache.set(page_key, entry, timeout=timeout)
                _keep(where, entry)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
        return response

    return wrapper


# Each process keeps a copy of the pages it served (at most KEPT_PAGES), so that serving one
# again costs one small read from the shared cache (the tokens), not the whole page.
KEPT_PAGES = 256
_kept: dict[str, dict] = {}


def _keep(where: str, entry: dict) -> None:
    if len(_kept) >= KEPT_PAGES:
        _kept.clear()
    _kept[where] = entry


def _current(entry: dict, tokens: dict | None) -> bool:
    return entry["tokens"] == tokens and entry["expires"] > time.time()


def _answer(entry: dict) -> HttpResponse:
    return HttpResponse(entry["body"], content_type=entry["content_type"])


def clear() -> None:
    """Forget every stored page (the shared cache and this process's copies)."""
    _kept.clear()
    _cache().clear()


def _tokens(cache, scopes: list[str]) -> dict[str, str]:
    """The current token of each scope, made up for a scope that has none yet."""
    keys = [_token_key(s) for s in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return {s: found[_token_key(s)] for s in scopes}
