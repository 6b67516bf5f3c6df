"""Markdown for call texts, rendered to sanitized HTML: no script, no event handlers, no styles."""

import functools

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> SafeString:
    return mark_safe(_render(text or ""))  # noqa: S308 — sanitized by nh3 in _render


@functools.lru_cache(maxsize=1024)
def _render(text: str) -> str:
    """Rendered once per text and process: the same call text is shown on every visit, and
    rendering it costs milliseconds (the cache is keyed by the text itself, so an edited
    text is rendered anew and the old one ages out)."""
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
