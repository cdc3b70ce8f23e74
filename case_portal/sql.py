"""Hand-written SQL that both databases read: PostgreSQL (production) and SQLite (the demo that
`make run` starts with nothing configured). Only the spellings that differ live here."""

import datetime as dt
import json
import re
from collections.abc import Iterable

from django.utils.dateparse import parse_datetime

# Elements a PostgreSQL array literal reads back unchanged: letters and digits with at least one
# digit (never empty, never NULL), no comma of their own (the join's commas are counted).
_PLAIN_ELEMENT = r"[A-Za-z]*[0-9][A-Za-z0-9]*"
_PLAIN = re.compile(rf"(?:{_PLAIN_ELEMENT}(?:,{_PLAIN_ELEMENT})*)?")


def is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


def array_param(values: Iterable) -> str | list:
    """Keys or ids as one PostgreSQL array literal, joined at C speed: psycopg quotes a list
    element by element, a fifth of the import writer's time for a chunk's ten thousand keys.
    Canonical keys are letters and digits, ids integers; anything else goes as a list (cast in
    the SQL either way: `ANY(%s::text[])`, `%s::bigint[]`)."""
    values = list(values)
    text = ",".join(map(str, values))
    plain = _PLAIN.fullmatch(text) and text.count(",") == max(len(values) - 1, 0)
    return "{" + text + "}" if plain else values


def one_of(connection, column: str, cast: str = "bigint", name: str | None = None) -> str:
    """`column` is one of a list parameter (`%s`, or `%(name)s`): give it `one_of_param`."""
    slot = f"%({name})s" if name else "%s"
    if is_postgres(connection):
        return f"{column} = ANY({slot}::{cast}[])"
    return f"{column} IN (SELECT value FROM json_each({slot}))"


def one_of_param(connection, values: Iterable):
    values = list(values)
    return array_param(values) if is_postgres(connection) else json.dumps(values)


def series(connection) -> str:
    """A FROM item of as many rows as its one parameter says."""
    if is_postgres(connection):
        return "generate_series(1, %s)"
    return (
        "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        " SELECT i FROM n)"
    )


def for_update(connection) -> str:
    # SQLite has no row locks: a writer holds the whole database until it commits.
    return " FOR UPDATE" if is_postgres(connection) else ""


def json_array_length(connection) -> str:
    return "jsonb_array_length" if is_postgres(connection) else "json_array_length"


def datetime_read(value):
    """A timestamp from a raw cursor: SQLite gives the stored text (naive UTC)."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed.replace(tzinfo=dt.UTC) if parsed and parsed.tzinfo is None else parsed
    return value
