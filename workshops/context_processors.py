"""Template context shared by every page."""

from functools import partial

from .navigation import user_nav


def navigation(request):
    """``user_nav``: the header's roles of the signed-in user (``workshops.navigation``).

    A callable, so that a page that never shows the header (an htmx fragment, an e-mail) runs no
    query; the header reads the per-request role cache (at most one query, shared with the
    permission checks).
    """
    return {"user_nav": partial(user_nav, request)}
