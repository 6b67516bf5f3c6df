"""A small server-side table toolkit for the chairs' lists: sorting, pagination and column
choice, all carried in the query string so every state is a link and works without JavaScript.

- ``?sort=title`` / ``?sort=-title``: only keys of ``Table.sorts`` are accepted (anything else
  falls back to the default), so a crafted parameter never reaches ``order_by``.
- ``?page=3&per_page=100``: Django's ``Paginator``; page sizes come from ``PAGE_SIZES``.
- ``?cols=title&cols=topics``: which optional columns show; the choice is remembered in the
  session (per table) until changed. A form posts an empty ``cols`` too, so unticking every
  box is a choice as well.

Filters are the page's own GET form; the toolkit keeps their parameters in every link it
builds. Templates render the table with ``includes/table/head.html`` (sortable headers),
``includes/table/pagination.html`` and ``includes/table/columns.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import OrderBy
from django.http import QueryDict
from django.urls import reverse

PAGE_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True)
class Column:
    """One column: ``key`` names it in ``cols=``, ``sort`` (a key of ``Table.sorts``) makes
    its header a sort link; ``optional`` columns can be hidden, ``numeric`` ones align
    right and stay narrow."""

    key: str
    label: str
    sort: str | None = None
    optional: bool = False
    default: bool = True
    numeric: bool = False
    title: str = ""  # a longer explanation, shown as the header's tooltip


@dataclass(frozen=True)
class Header:
    column: Column
    url: str
    direction: str  # "asc", "desc" or "" (not the current sort)

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "")


class Table:
    """The state of one table on one request.

    ``sorts`` maps a sort key to either an ``order_by`` argument list (for querysets) or a
    one-argument key function (for lists of rows); ``default_sort`` is used when the
    parameter is missing or unknown.
    """

    def __init__(
        self,
        request,
        *,
        name: str,
        columns: Iterable[Column],
        sorts: dict[str, Any],
        default_sort: str,
        per_page: int = 50,
        page_sizes: tuple[int, ...] = PAGE_SIZES,
        page_param: str = "page",
    ):
        self.request = request
        self.name = name
        # Two tables on one page keep their own page numbers (``?page=2&released_page=3``).
        self.page_param = page_param
        self.columns = list(columns)
        self.sorts = sorts
        self.page_sizes = page_sizes
        raw = request.GET.get("sort", "")
        key = raw.removeprefix("-")
        if key in sorts:
            self.sort_key, self.descending = key, raw.startswith("-")
        else:
            self.sort_key, self.descending = default_sort, default_sort.startswith("-")
            self.sort_key = self.sort_key.removeprefix("-")
        try:
            size = int(request.GET.get("per_page", per_page))
        except ValueError:
            size = per_page
        self.per_page = size if size in page_sizes else per_page
        self.visible = self._visible_columns()

    # --- columns ---------------------------------------------------------------------------

    @property
    def optional_columns(self) -> list[Column]:
        return [c for c in self.columns if c.optional]

    def _visible_columns(self) -> set[str]:
        optional = {c.key for c in self.optional_columns}
        session_key = f"table:{self.name}:cols"
        session = getattr(self.request, "session", None)
        if "cols" in self.request.GET:
            chosen = {c for c in self.request.GET.getlist("cols") if c in optional}
            if session is not None:
                session[session_key] = sorted(chosen)
        elif session is not None and session_key in session:
            chosen = set(session[session_key]) & optional
        else:
            chosen = {c.key for c in self.optional_columns if c.default}
        return {c.key for c in self.columns if not c.optional} | chosen

    def shows(self, key: str) -> bool:
        return key in self.visible

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in self.columns if c.key in self.visible]

    @property
    def show(self) -> dict[str, bool]:
        """``{key: visible}`` for templates: ``{% if table.show.topics %}``."""
        return {c.key: c.key in self.visible for c in self.columns}

    @property
    def column_count(self) -> int:
        return len(self.shown_columns)

    # --- sorting ---------------------------------------------------------------------------

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort_key

    def sort_queryset(self, queryset):
        order = self.sorts[self.sort_key]
        fields = list(order) if isinstance(order, list | tuple) else [order]
        if self.descending:
            fields = [_descending(f) for f in fields]
        return queryset.order_by(*fields)

    def sort_list(self, rows: list) -> list:
        key: Callable = self.sorts[self.sort_key]
        return sorted(rows, key=key, reverse=self.descending)

    @property
    def headers(self) -> list[Header]:
        result = []
        for column in self.shown_columns:
            direction = ""
            url = ""
            if column.sort:
                if column.sort == self.sort_key:
                    direction = "desc" if self.descending else "asc"
                    target = column.sort if self.descending else f"-{column.sort}"
                else:
                    target = column.sort
                url = self.url(sort=target, **{self.page_param: None})
            result.append(Header(column, url, direction))
        return result

    # --- pagination ------------------------------------------------------------------------

    def paginate(self, object_list, count: int | None = None):
        """The requested page (the last one when the number is too high). ``count``, when the
        caller has it cheaper than ``object_list.count()`` (an aggregated queryset), saves
        that query."""
        paginator = Paginator(object_list, self.per_page)
        if count is not None:
            paginator.count = count
        self.page = paginator.get_page(self.request.GET.get(self.page_param))
        return self.page

    def page_url(self, number: int) -> str:
        return self.url(**{self.page_param: number})

    # --- links -----------------------------------------------------------------------------

    def url(self, **changes) -> str:
        """This page's query string with ``changes`` applied (``None`` removes a parameter)."""
        query: QueryDict = self.request.GET.copy()
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = str(value)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    def hidden_params(self, *skip: str) -> list[tuple[str, str]]:
        """(name, value) of the current parameters except ``skip``, for a GET form that must
        keep the others (page size and column choice)."""
        return [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in skip
            for value in values
        ]

    @property
    def per_page_hidden(self) -> list[tuple[str, str]]:
        return self.hidden_params("per_page", "page", self.page_param)

    @property
    def columns_hidden(self) -> list[tuple[str, str]]:
        return self.hidden_params("cols", "page", self.page_param)


_MARKERS = ("2147483647", "2147483646")


def number_url(name: str, slug: str, ints: int = 1) -> Callable[..., str]:
    """``(number, …) -> url`` for the URL ``name`` taking a workshop's ``slug`` and ``ints``
    integers (a paper's number, a file's id): one ``reverse`` for a page of rows instead of
    one per row. ``number_url("reviews:manage_paper", slug)(7)`` is that paper's URL."""
    pattern = reverse(name, args=[slug, *(int(m) for m in _MARKERS[:ints])])
    pattern = pattern.replace("{", "{{").replace("}", "}}")
    for i, marker in enumerate(_MARKERS[:ints]):
        pattern = pattern.replace(marker, f"{{{i}}}")
    return pattern.format


def _descending(field):
    if isinstance(field, str):
        return field[1:] if field.startswith("-") else f"-{field}"
    if isinstance(field, OrderBy):
        # The other direction; where empty values go stays as the sort says.
        return OrderBy(
            field.expression,
            descending=not field.descending,
            nulls_first=field.nulls_first,
            nulls_last=field.nulls_last,
        )
    return field.desc()
