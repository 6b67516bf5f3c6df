"""Template helpers of the table toolkit (``workshops.tables``)."""

from django import template

register = template.Library()


@register.filter
def page_url(table, number) -> str:
    """The link to page ``number`` of ``table``, keeping every other parameter."""
    return table.page_url(number)
