"""The search box of the chairs' submissions list: a small query language.

- plain words: every word must occur in the title (``backdoor defense``);
- ``#12`` or ``12``: paper number 12;
- ``author:smith``: an author's name contains "smith" — only for a viewer who may see the
  authors (``may_see_authors``); for anyone else the term matches nothing, so an author-name
  search can never tell them who wrote what;
- ``topic:poison``, ``type:short``: the topic's or the submission type's name contains it;
- ``state:submitted``: the state's value or label contains it (``state:desk``);
- ``decision:accept``, ``decision:none``: the staged or released outcome (the reviews app
  registers this field with :func:`register_field`);
- ``tag:shortlist``: a chair's private tag (only with ``may_see_tags``, else nothing matches).

Values may be quoted (``author:"van der Berg"``). Terms are combined with AND; the same field
twice also means AND. An unknown ``field:`` is read as plain title words, and listed in
``SearchQuery.unknown`` so the page can say so.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from .enums import SubmissionState

# Fields other apps add: name -> function(queryset, value) -> queryset.
_extra_fields: dict[str, Callable[[QuerySet, str], QuerySet]] = {}


def register_field(name: str, apply: Callable[[QuerySet, str], QuerySet]) -> None:
    """Let another app add a ``name:value`` term (the reviews app adds ``decision:``)."""
    _extra_fields[name] = apply


BUILTIN_FIELDS = ("author", "topic", "type", "state", "tag")


def known_fields() -> tuple[str, ...]:
    return (*BUILTIN_FIELDS, *_extra_fields)


@dataclass
class SearchQuery:
    text: str = ""
    words: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.numbers or self.terms)


def parse(text: str) -> SearchQuery:
    text = (text or "").strip()
    query = SearchQuery(text=text)
    try:
        tokens = shlex.split(text)
    except ValueError:  # an unbalanced quote: read the words as they are
        tokens = text.replace('"', " ").replace("'", " ").split()
    fields = known_fields()
    for token in tokens:
        name, sep, value = token.partition(":")
        name = name.lower()
        if sep and name in fields:
            if value.strip():
                query.terms.append((name, value.strip()))
            continue
        if sep and name and value:
            query.unknown.append(name)
        number = token.removeprefix("#")
        if number.isdigit():
            query.numbers.append(int(number))
        else:
            query.words.append(token)
    return query


def _state_values(value: str) -> list[str]:
    needle = value.lower()
    return [
        choice.value
        for choice in SubmissionState
        if needle in choice.value or needle in str(choice.label).lower()
    ]


def apply(queryset, query: SearchQuery, *, may_see_authors: bool, may_see_tags: bool):
    """``queryset`` (of ``Submission``) narrowed to what ``query`` asks for.

    ``may_see_authors`` must come from the rights vocabulary (``submissions.see_authors`` for
    every paper of ``queryset``, e.g. :func:`submissions.permissions.may_search_authors`).
    """
    for word in query.words:
        queryset = queryset.filter(title__icontains=word)
    for number in query.numbers:
        queryset = queryset.filter(number=number)
    for name, value in query.terms:
        if name == "author":
            if not may_see_authors:
                return queryset.none()
            queryset = queryset.filter(authors__name__icontains=value)
        elif name == "topic":
            queryset = queryset.filter(topics__name__icontains=value)
        elif name == "type":
            queryset = queryset.filter(submission_type__name__icontains=value)
        elif name == "state":
            queryset = queryset.filter(state__in=_state_values(value))
        elif name == "tag":
            if not may_see_tags:
                return queryset.none()
            queryset = queryset.filter(tags__name__iexact=value.lstrip("#").lower())
        else:
            queryset = _extra_fields[name](queryset, value)
    # Joins over authors, topics and tags can repeat a paper; keep each once.
    return queryset.filter(pk__in=queryset.values("pk")) if query.terms else queryset


def search(queryset, text: str, *, may_see_authors: bool, may_see_tags: bool):
    return apply(queryset, parse(text), may_see_authors=may_see_authors, may_see_tags=may_see_tags)
