"""Querysets compiled to SQL once per shape and then run with new values: for the few reads a
page repeats on every request, where the ORM's compiling (building the joins, the select list
and the visibility filter anew) cost more than running the query. Profile: the search's
number lookup compiled in ~2 ms under load; the family page's two reads ~4 ms.

The queryset is still built by the usual code (visibility through `visible_to` and the rest);
only its SQL and its column layout are kept, keyed by what the caller says the SQL depends on
(`shape`) beside `values`, a list of strings that appear once each among its parameters (the
keys looked up, the ids read). Rows become instances as QuerySet iteration makes them
(select_related objects and annotations included).

`prepared=True` (PostgreSQL): the kept SQL also runs as a prepared statement, planned once per
connection. For the page reads whose planning cost more than running them (the family page's
members and documents, the search's lookup: 0.2-0.4 ms of planning each against 0.05 ms of
execution, docs/benchmarks.md), whose plans do not depend on the values (an id, a few keys).
"""

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

_MAX = 512
_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()
_EMPTY = object()  # the queryset can have no rows (e.g. .none()): no query at all


class _Compiled:
    def __init__(self, queryset: QuerySet, values: Sequence[str]):
        self.model = queryset.model
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()  # fills compiler.select, klass_info, annotations
        self.sql, self.params, self.compiler = sql, list(params), compiler
        self.slots = []
        for value in values:
            where = [i for i, p in enumerate(self.params) if p == value]
            if len(where) != 1:
                raise ValueError(f"{value!r} is not one parameter of the query")
            self.slots.append(where[0])
        if len(set(self.slots)) != len(values):
            raise ValueError("the values are not distinct parameters")

    def run(self, values: Sequence[str], *, prepared: bool = False) -> list:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        db = router.db_for_read(self.model)  # as the queryset would choose (replica or not)
        connection = connections[db]
        with prepared_cursor(connection) if prepared else connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        compiler = self.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        # As django.db.models.query.ModelIterable does with the rows it fetched.
        select, klass_info = compiler.select, compiler.klass_info
        annotations = compiler.annotation_col_map
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        out = []
        for row in compiler.results_iter([rows]):
            obj = self.model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out


def compiled_rows(
    build: Callable[[Sequence[str]], QuerySet],
    *,
    shape: Hashable,
    values: Sequence[str],
    prepared: bool = False,
) -> list:
    """list(build(values)), with build's SQL compiled once per (shape, number of values).

    `shape` must hold everything beside `values` that the SQL and its other parameters depend
    on (the reader's office and role for a visibility filter, say). `values`: distinct strings,
    each one parameter of the query (an IN list of keys, ids as text). `prepared`: see above."""
    values = list(values)
    key = (shape, len(values))
    with _lock:
        compiled = _kept.get(key)
        if compiled is not None:
            _kept.move_to_end(key)
    if compiled is None:
        queryset = build(values)
        try:
            compiled = _Compiled(queryset, values)
        except EmptyResultSet:
            compiled = _EMPTY
        except ValueError:
            return list(queryset)  # a shape this helper cannot reuse: the ORM as usual
        with _lock:
            _kept[key] = compiled
            while len(_kept) > _MAX:
                _kept.popitem(last=False)
        if compiled is not _EMPTY:
            return compiled.run(values, prepared=prepared)
    return [] if compiled is _EMPTY else compiled.run(values, prepared=prepared)


# psycopg prepares a statement after this many runs unless told to at once (prepare=True).
_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def prepared_cursor(connection):
    """A cursor of `connection` (Django's, logged as its own are) whose statements are prepared
    at once on PostgreSQL, values bound by the server; off PostgreSQL a plain cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql import base

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off for the connection (poolers); its own cursors bind on the
        # client and never prepare, so this only lets the statements that ask for it.
        raw.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    cursor = _preparing_cursor_class()(raw)
    tzloader = raw.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
    if connection.timezone != tzloader.timezone:  # as Django's create_cursor does
        base.register_tzloader(connection.timezone, cursor)
    wrapped = connection._prepare_cursor(cursor)  # logged as Django's own cursors are
    if isinstance(wrapped, CursorDebugWrapper):
        wrapped.__class__ = _PreparedDebugWrapper
    return wrapped


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs the SQL as written: psycopg keeps no text of a statement it ran prepared, so
    Django's last_executed_query would log None (a query log must say what ran)."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)

    return PreparingCursor
