"""Bulk inserts without a model instance per row: PostgreSQL COPY, ``bulk_create`` elsewhere."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.db import IntegrityError, transaction
from django.utils import timezone


def _copy_escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_text(value, internal_type: str = "") -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if internal_type == "JSONField":
        return _copy_escape(json.dumps(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return _copy_escape(str(value))


def _copy_column(values: list, internal_type: str) -> list[str]:
    """A column of values in COPY text format, with fast paths for the common types."""
    if internal_type in (
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "BigIntegerField",
        "SmallIntegerField",
    ):
        return ["\\N" if v is None else str(int(v)) for v in values]
    if internal_type in ("CharField", "TextField", "EmailField", "SlugField"):
        return ["\\N" if v is None else _copy_escape(str(v)) for v in values]
    return [_copy_text(v, internal_type) for v in values]


def bulk_insert(model, columns: dict, *, ignore_conflicts_on: str = "") -> int:
    """Insert rows given column-wise in one statement.

    ``columns`` maps field attnames to equally long lists, or to a single value shared by every
    row. Fields left out get their default (``auto_now``/``auto_now_add`` fields: now). On
    PostgreSQL the rows go through ``COPY`` (no model instance per row: 30,000 rows in a
    fraction of a second); elsewhere through ``bulk_create``. ``ignore_conflicts_on`` names a
    unique column whose duplicates are skipped (``ON CONFLICT DO NOTHING``). Returns the number
    of rows given.
    """
    from django.db import connection

    lists = {k: v for k, v in columns.items() if isinstance(v, list)}
    n = len(next(iter(lists.values()))) if lists else 0
    if n == 0:
        return 0
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given, constant = {}, {}
    for f in fields:
        if f.attname in lists:
            given[f.attname] = lists[f.attname]
        elif f.attname in columns:
            constant[f.attname] = columns[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant[f.attname] = now
        else:
            constant[f.attname] = f.get_default()
    raw = None
    if connection.vendor == "postgresql":
        with connection.cursor() as probe:
            raw = getattr(probe, "cursor", None)
    if raw is None or not hasattr(raw, "copy_expert"):
        objects = [
            model(**constant, **{name: values[i] for name, values in given.items()})
            for i in range(n)
        ]
        model.objects.bulk_create(
            objects, batch_size=2000, ignore_conflicts=bool(ignore_conflicts_on)
        )
        return n
    texts = []
    for f in fields:
        kind = f.get_internal_type()
        if f.attname in given:
            texts.append(_copy_column(given[f.attname], kind))
        else:
            texts.append([_copy_text(constant[f.attname], kind)] * n)
    payload = io.StringIO("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if not ignore_conflicts_on:
            cursor.cursor.copy_expert(f"COPY {table} ({column_list}) FROM STDIN", payload)
            return n
        # Duplicates are rare (keys name new events): try a plain COPY first, and on a
        # unique violation go through a staging table with ON CONFLICT DO NOTHING.
        try:
            with transaction.atomic():
                cursor.cursor.copy_expert(f"COPY {table} ({column_list}) FROM STDIN", payload)
            return n
        except (IntegrityError, connection.Database.IntegrityError):
            payload.seek(0)
        staging = quote(f"staging_{model._meta.db_table}")
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN", payload)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
            f"ON CONFLICT ({quote(ignore_conflicts_on)}) DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {staging}")
    return n
