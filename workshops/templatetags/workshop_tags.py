"""Template helpers of the call pages: Markdown, dates in a workshop's zone, countdowns."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from .. import dates, navigation, services
from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Sanitized HTML from Markdown: no script, no event handler, no style."""
    return render_markdown(text)


@register.filter
def in_zone(value: dt.datetime | None, workshop):
    """``value`` converted to the workshop's time zone."""
    if value is None:
        return None
    return timezone.localtime(value, workshop.tzinfo)


@register.filter
def iso_utc(value: dt.datetime | None) -> str:
    """ISO 8601 in UTC with a Z, for ``datetime`` attributes and the scripts."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def datetime_local(value: dt.datetime | None, workshop) -> str:
    """The value of an ``<input type="datetime-local">``, on the workshop's wall clock."""
    if value is None:
        return ""
    return timezone.localtime(value, workshop.tzinfo).strftime("%Y-%m-%dT%H:%M")


@register.filter
def time_left(value: dt.datetime | None) -> str:
    """The remaining time as text ("12 days left"); site.js keeps it ticking."""
    return services.time_left(value) if value else ""


@register.simple_tag
def workshop_time(value: dt.datetime | None, workshop, with_time: bool = True, local: bool = True):
    """A ``<time>`` of ``value`` in the workshop's zone; deadlines get the viewer's time too.

    ``with_time`` shows the hour and the zone; with ``local`` it also carries ``data-local``
    so site.js appends the visitor's own local time. Without ``with_time`` (notification,
    workshop day) only the day shows.
    """
    if value is None:
        return "TBD"
    there = timezone.localtime(value, workshop.tzinfo)
    if not with_time:
        return format_html(
            '<time datetime="{}">{}</time>', there.date().isoformat(), dates.day_text(there)
        )
    return format_html(
        '<time{} datetime="{}">{}</time>',
        " data-local" if local else "",
        iso_utc(value),
        dates.in_workshop_zone(value, workshop),
    )


@register.filter
def join_or(labels) -> str:
    """["Virtual poster", "Virtual talk"] → "virtual poster or virtual talk"."""
    words = [str(label).lower() for label in labels]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


@register.filter
def article(phrase: str) -> str:
    """ "a"/"an" + phrase, for "allocated an oral talk"."""
    if not phrase:
        return ""
    return f"{'an' if phrase[0].lower() in 'aeiou' else 'a'} {phrase}"


@register.inclusion_tag("workshops/includes/chair_tabs.html", takes_context=True)
def chair_tabs(context, workshop):
    """The one tab bar of a workshop's chair pages (``workshops.navigation.CHAIR_TABS``)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return {
        "workshop": workshop,
        "tabs": navigation.chair_tabs(workshop, match.view_name if match else None),
    }
