"""The one writer of applications: set-based, for one item or a million.

`applications_write` takes items already through `applications.application_in_parse` (or the
keyword arguments of `application_upsert`) and writes them with a fixed number of statements per
round, whatever the number of items: COPY into temporary staging tables, then one UPDATE of the
existing rows, one INSERT of the new ones, and set-based writes of priority claims, publications
and lookup keys. The family rule lives here too: the extended family is the connected component
of applications sharing a linking number (own, priority, PCT); a round recomputes the components
of every family it touches with one union-find, so families come out the same whether items
arrive one by one or a thousand at a time.

A bad item (a number that does not parse, another office's number, a field too long) is reported
with its index and left out; the others are written. If the database still refuses a round, it
is rolled back to its savepoint and its items are written one at a time, so the refused one is
named and the rest are kept.
"""

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from case_portal import sql
from offices.models import Office

from ..models import Application, LookupKey, Publication
from . import family_rule
from .application_input import STATUSES, application_numbers_read

logger = logging.getLogger(__name__)

_MAX = {
    "key": Application._meta.get_field("key").max_length,
    "display": Application._meta.get_field("display").max_length,
    "kind_code": Publication._meta.get_field("kind_code").max_length,
}
_LINKING = [str(s) for s in LookupKey.LINKING]


@dataclass
class Prepared:
    """One item as it will be stored: every number read, nothing looked up yet."""

    index: int
    number: str | None
    key: str
    display: str
    is_pct: bool
    filing_date: dt.date | None
    title: str
    applicants: list[str]
    status: str | None
    published: bool | None
    examination_date: dt.date | None
    pct_key: str
    pct_display: str
    priorities: list[tuple[str, str, str, dt.date | None]]  # office, key, display, date
    publications: dict[tuple[str, str], tuple[str, dt.date | None]]  # (key, kind) -> display, date
    links: set[str] = field(default_factory=set)


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def item_prepare(index: int, kwargs: dict, *, number: str | None = None) -> Prepared:
    """Read the numbers of one parsed item (application_in_parse output) the one way; raises
    ValidationError naming each bad field."""
    office: Office = kwargs["office"]
    read = application_numbers_read(
        office=office,
        number=kwargs["number"],
        filing_date=kwargs.get("filing_date"),
        priorities=kwargs.get("priorities") or (),
        publications=kwargs.get("publications") or (),
        pct=kwargs.get("pct"),
    )
    app = read.number
    prios: dict[str, tuple[str, str, str, dt.date | None]] = {}
    for p, pn in read.priorities:
        # A claim to itself is no link; the same priority twice is one claim (the first).
        if pn.key != app.key and pn.key not in prios:
            prios[pn.key] = (pn.office, pn.key, pn.display, p.date)
    pubs: dict[tuple[str, str], tuple[str, dt.date | None]] = {}
    for p, pn in read.publications:
        pubs[(pn.key, pn.kind_code or "")] = (pn.display, p.date)  # the last one sent wins
    too_long = [
        n.display
        for n in [app, read.pct, *(pn for _, pn in read.priorities)]
        if n and (len(n.key) > _MAX["key"] or len(n.display) > _MAX["display"])
    ] + [
        d
        for (k, kind), (d, _) in pubs.items()
        if len(k) > _MAX["key"] or len(kind) > _MAX["kind_code"] or len(d) > _MAX["display"]
    ]
    if too_long:
        raise ValidationError({"number": f"{too_long[0]} is longer than the portal stores."})
    pct = read.pct
    links = {app.key, *prios}
    if pct:
        links.add(pct.key)
    status = kwargs.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": f"One of: {', '.join(Application.Status.values)}."})
    return Prepared(
        index=index,
        number=number if number is not None else kwargs["number"],
        key=app.key,
        display=app.display,
        is_pct=app.office == "WO",
        filing_date=kwargs.get("filing_date"),
        title=kwargs.get("title") or "",
        applicants=list(kwargs.get("applicants") or ()),
        status=status,
        published=kwargs.get("published"),
        examination_date=kwargs.get("examination_date"),
        pct_key=pct.key if pct else "",
        pct_display=pct.display if pct else "",
        priorities=list(prios.values()),
        publications=pubs,
        links=links,
    )


# An unpaired UTF-16 surrogate (a JSON "\\ud800") has no UTF-8 form: echoed as it came, it
# made the whole bulk answer unrenderable (a 500 for every item of the call).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def error_result(index: int, number, errors: dict) -> dict:
    # Echo what was sent, as text (the result says "number" is a string): a number sent as
    # 2999001 was echoed null, and the client could not tell its item by it. An unpaired
    # surrogate in it is echoed as U+FFFD (the item's error names it).
    if isinstance(number, str):
        number = _LONE_SURROGATE.sub("\ufffd", number)
    elif number is not None:
        try:
            number = json.dumps(number)  # as the client wrote it: 2999001, ["CA 1"], true
        except (TypeError, ValueError):
            number = None  # not JSON data: a Python caller's own object
    return {"index": index, "number": number, "status": "error", "errors": errors}


def applications_write(*, office: Office, items: Iterable[Prepared]) -> dict[int, dict]:
    """Write prepared items of `office`; one result per item index. Items with the same key go in
    successive rounds, so a later item updates an earlier one exactly as it would one by one."""
    rounds: list[list[Prepared]] = []
    seen: list[set[str]] = []
    for item in items:
        r = next((n for n, keys in enumerate(seen) if item.key not in keys), len(seen))
        if r == len(rounds):
            rounds.append([])
            seen.append(set())
        rounds[r].append(item)
        seen[r].add(item.key)
    results: dict[int, dict] = {}
    for batch in rounds:
        try:
            with transaction.atomic():  # one savepoint per round
                results.update(_round_write(office, batch))
        except DatabaseError as exc:
            if len(batch) == 1:
                item = batch[0]
                logger.warning("application %s refused by the database: %s", item.key, exc)
                results[item.index] = error_result(
                    item.index,
                    item.number,
                    {"non_field_errors": ["The database refused this application; not stored."]},
                )
                continue
            # Name the refused item: the same items again, one savepoint each.
            for item in batch:
                results.update(applications_write(office=office, items=[item]))
    return results


def _copy(cur, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    if not sql.is_postgres(connection):
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))
        return
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    t0 = time.monotonic()
    with cur.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:  # count COPY like any other statement (the bench does)
        connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - t0:.3f}"})


_STAGING = {
    "bulk_app": "idx int, id bigint, key text, display text, is_pct boolean, filing_date date,"
    " title text, applicants jsonb, status text, published boolean, has_pubs boolean,"
    " examination_date date, pct_key text, pct_display text, family_id bigint",
    "bulk_prio": "app_key text, office_code text, key text, display text, date date",
    "bulk_pub": "app_key text, key text, kind_code text, display text, date date",
}


def _stage(cur) -> None:
    """Empty staging tables of this session (PostgreSQL drops them at commit)."""
    if sql.is_postgres(connection):
        cur.execute(
            "".join(
                f"CREATE TEMP TABLE IF NOT EXISTS {t} ({cols}) ON COMMIT DROP;"
                for t, cols in _STAGING.items()
            )
            + f"TRUNCATE {', '.join(_STAGING)};"
        )
        return
    for table, columns in _STAGING.items():
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns})")
        cur.execute(f"DELETE FROM {table}")


# The merge rule for a stored application sent again: the numbers as now sent; a field left out
# (empty, null) keeps what was stored; publications sent make it published unless `published`
# says otherwise.
_UPDATE = """
UPDATE dossiers_application AS a SET
    display = s.display, is_pct = s.is_pct,
    filing_date = COALESCE(s.filing_date, a.filing_date),
    title = COALESCE(NULLIF(s.title, ''), a.title),
    applicants = CASE WHEN {json_array_length}(s.applicants) > 0
                 THEN s.applicants ELSE a.applicants END,
    status = COALESCE(s.status, a.status),
    published = COALESCE(s.published, s.has_pubs OR a.published),
    examination_date = COALESCE(s.examination_date, a.examination_date),
    pct_key = s.pct_key, pct_display = s.pct_display,
    family_id = s.family_id, updated_at = %(now)s
FROM bulk_app s WHERE a.id = s.id
"""

_INSERT = """
INSERT INTO dossiers_application (
    office_id, key, display, is_pct, filing_date, title, applicants, status, published,
    examination_date, pct_key, pct_display, family_id, created_at, updated_at)
SELECT %(office)s, s.key, s.display, s.is_pct, s.filing_date, s.title, s.applicants,
    COALESCE(s.status, %(status)s), COALESCE(s.published, s.has_pubs), s.examination_date,
    s.pct_key, s.pct_display, s.family_id, %(now)s, %(now)s
FROM bulk_app s WHERE s.id IS NULL ORDER BY s.idx
RETURNING id, key
"""


def _lookup_keys_sql() -> str:
    ids = {col: sql.one_of(connection, col, name="ids") for col in ("a.id", "p.application_id")}
    return f"""
INSERT INTO dossiers_lookupkey (key, application_id, source)
SELECT a.key, a.id, 'application' FROM dossiers_application a WHERE {ids["a.id"]}
UNION SELECT a.pct_key, a.id, 'pct' FROM dossiers_application a
    WHERE {ids["a.id"]} AND a.pct_key <> ''
UNION SELECT p.key, p.application_id, 'priority' FROM dossiers_priorityclaim p
    WHERE {ids["p.application_id"]}
UNION SELECT p.key, p.application_id, 'publication' FROM dossiers_publication p
    WHERE {ids["p.application_id"]}
"""


def _round_write(office: Office, batch: list[Prepared]) -> dict[int, dict]:
    """Write items with distinct keys in a fixed number of statements."""
    results: dict[int, dict] = {}
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT key, id, office_id, family_id FROM dossiers_application"
            f" WHERE {sql.one_of(connection, 'key', 'text')} ORDER BY id"
            + sql.for_update(connection),
            [sql.one_of_param(connection, (i.key for i in batch))],
        )
        existing = {key: (pk, office_id, fam) for key, pk, office_id, fam in cur.fetchall()}
        kept = []
        for item in batch:
            found = existing.get(item.key)
            if found and found[1] != office.pk:
                results[item.index] = error_result(
                    item.index,
                    item.number,
                    {"number": [f"{item.display} belongs to another office."]},
                )
            else:
                kept.append(item)
        batch = kept
        if not batch:
            return results
        family_of, emptied = _families_assign(cur, batch, existing, now, office.pk)

        _stage(cur)
        _copy(
            cur,
            "bulk_app",
            (
                "idx id key display is_pct filing_date title applicants status published "
                "has_pubs examination_date pct_key pct_display family_id"
            ).split(),
            (
                (
                    i.index,
                    existing[i.key][0] if i.key in existing else None,
                    i.key,
                    i.display,
                    i.is_pct,
                    i.filing_date,
                    i.title,
                    json.dumps(i.applicants),
                    i.status,
                    i.published,
                    bool(i.publications),
                    i.examination_date,
                    i.pct_key,
                    i.pct_display,
                    family_of[i.key],
                )
                for i in batch
            ),
        )
        _copy(
            cur,
            "bulk_prio",
            ("app_key", "office_code", "key", "display", "date"),
            ((i.key, *p) for i in batch for p in i.priorities),
        )
        _copy(
            cur,
            "bulk_pub",
            ("app_key", "key", "kind_code", "display", "date"),
            (
                (i.key, k, kind, d, when)
                for i in batch
                for (k, kind), (d, when) in i.publications.items()
            ),
        )
        old_ids = [existing[i.key][0] for i in batch if i.key in existing]
        if old_ids:
            update = _UPDATE.format(json_array_length=sql.json_array_length(connection))
            cur.execute(update, {"now": now})
        ids = {i.key: existing[i.key][0] for i in batch if i.key in existing}
        if len(old_ids) < len(batch):
            cur.execute(
                _INSERT, {"office": office.pk, "status": Application.Status.FILED, "now": now}
            )
            ids.update({key: pk for pk, key in cur.fetchall()})
        all_ids = list(ids.values())
        if old_ids:
            # Priority claims are replaced as sent; publications accumulate (below).
            old = sql.one_of_param(connection, old_ids)
            for table in ("dossiers_priorityclaim", "dossiers_lookupkey"):
                cur.execute(
                    f"DELETE FROM {table} WHERE {sql.one_of(connection, 'application_id')}",
                    [old],
                )
        cur.execute(
            "INSERT INTO dossiers_priorityclaim (application_id, office_code, key, display, date)"
            " SELECT a.id, p.office_code, p.key, p.display, p.date"
            " FROM bulk_prio p JOIN dossiers_application a ON a.key = p.app_key"
        )
        # "WHERE true": SQLite reads an upsert's ON CONFLICT after a join only past a WHERE.
        cur.execute(
            "INSERT INTO dossiers_publication (application_id, key, kind_code, display, date)"
            " SELECT a.id, p.key, p.kind_code, p.display, p.date"
            " FROM bulk_pub p JOIN dossiers_application a ON a.key = p.app_key WHERE true"
            " ON CONFLICT (application_id, key, kind_code)"
            " DO UPDATE SET display = EXCLUDED.display, date = EXCLUDED.date"
        )
        cur.execute(_lookup_keys_sql(), {"ids": sql.one_of_param(connection, all_ids)})
        if emptied:
            # Only now: the round's own applications have just moved out of them.
            cur.execute(
                f"DELETE FROM dossiers_family WHERE {sql.one_of(connection, 'id')} AND NOT EXISTS"
                " (SELECT 1 FROM dossiers_application a WHERE a.family_id = dossiers_family.id)",
                [sql.one_of_param(connection, emptied)],
            )
    for item in batch:
        results[item.index] = {
            "index": item.index,
            "number": item.number,
            "status": "updated" if item.key in existing else "created",
            "id": ids[item.key],
            "key": item.key,
            "display": item.display,
            "family": family_of[item.key],
        }
    return results


def _families_assign(
    cur, batch: list[Prepared], existing: dict, now, office_id: int
) -> tuple[dict[str, int], list[int]]:
    """The family rule (family_rule.families_partition), once per round, over every family the
    round touches (the items' old families and every family one of their links reaches), with the
    items' links and published state as now sent. Moves the other members that change family,
    creates and deletes families; returns the family id of each item's key and the families left
    empty."""
    links = sorted({k for i in batch for k in i.links})
    touched = _families_holding(cur, links)
    touched |= {existing[i.key][2] for i in batch if i.key in existing}
    stored = _family_members(cur, touched)
    nodes = _family_nodes(batch, stored, office_id)
    # An unpublished member may join another public family it claims into: load those too.
    reach_keys = family_rule.unpublished_reach_keys(nodes)
    reach = _families_holding(cur, sorted(reach_keys), True) if reach_keys else set()
    if reach - touched:
        touched |= reach
        stored = _family_members(cur, touched)
        nodes = _family_nodes(batch, stored, office_id)
    parts = family_rule.families_partition(nodes)
    wanted = sum(1 for part in parts if part.family is None)
    fresh: list[int] = []
    if wanted:
        cur.execute(
            "INSERT INTO dossiers_family (created_at, updated_at)"
            f" SELECT %s, %s FROM {sql.series(connection)} RETURNING id",
            [now, now, wanted],
        )
        fresh = sorted(pk for (pk,) in cur.fetchall())
    batch_keys = {i.key for i in batch}
    family_of: dict[str, int] = {}
    moves: list[tuple[int, int]] = []
    used, kept = [], []
    for part in parts:
        fam = part.family if part.family is not None else fresh.pop(0)
        used.append(fam)
        if part.family is not None:
            kept.append(fam)
        for node in part.members:
            family_of[node.ref] = fam
            if node.ref not in batch_keys and node.family != fam:
                moves.append((stored[node.ref][0], fam))
    if moves and sql.is_postgres(connection):
        cur.execute(
            "UPDATE dossiers_application a SET family_id = v.fam"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, fam) WHERE a.id = v.id",
            [[m[0] for m in moves], [m[1] for m in moves]],
        )
    elif moves:
        cur.executemany(
            "UPDATE dossiers_application SET family_id = %s WHERE id = %s",
            [(fam, pk) for pk, fam in moves],
        )
    if kept:  # a family made just now already has this time
        cur.execute(
            f"UPDATE dossiers_family SET updated_at = %s WHERE {sql.one_of(connection, 'id')}",
            [now, sql.one_of_param(connection, kept)],
        )
    return family_of, sorted(touched - set(used))


def _families_holding(cur, keys: list[str], published: bool | None = None) -> set[int]:
    statement = (
        "SELECT DISTINCT a.family_id FROM dossiers_lookupkey lk"
        " JOIN dossiers_application a ON a.id = lk.application_id"
        f" WHERE {sql.one_of(connection, 'lk.key', 'text')}"
        f" AND {sql.one_of(connection, 'lk.source', 'text')}"
    )
    if published is not None:
        statement += " AND a.published" if published else " AND NOT a.published"
    cur.execute(
        statement, [sql.one_of_param(connection, keys), sql.one_of_param(connection, _LINKING)]
    )
    return {fam for (fam,) in cur.fetchall()}


def _family_members(cur, families: set[int]) -> dict[str, tuple[int, int, bool, int, set[str]]]:
    """key -> (pk, office, published, family, linking keys) of every member of `families`."""
    if not families:
        return {}
    # Lock in id order so two concurrent merges cannot deadlock or interleave.
    fams = sql.one_of_param(connection, sorted(families))
    if sql.is_postgres(connection):
        cur.execute(
            "SELECT id FROM dossiers_family WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [fams]
        )
    cur.execute(
        "SELECT a.key, a.id, a.office_id, a.published, a.family_id, lk.key"
        " FROM dossiers_application a LEFT JOIN dossiers_lookupkey lk"
        f"  ON lk.application_id = a.id AND {sql.one_of(connection, 'lk.source', 'text')}"
        f" WHERE {sql.one_of(connection, 'a.family_id')}",
        [sql.one_of_param(connection, _LINKING), fams],
    )
    out: dict[str, tuple[int, int, bool, int, set[str]]] = {}
    for key, pk, office_id, published, fam, link in cur.fetchall():
        row = out.setdefault(key, (pk, office_id, published, fam, set()))
        if link:
            row[4].add(link)
    return out


def _family_nodes(
    batch: list[Prepared], stored: dict, office_id: int
) -> list[family_rule.FamilyNode]:
    """The rule's nodes: stored members as they are, the round's items as now written (links
    as sent; published as sent, else true once a publication is given, else as stored)."""
    nodes = {
        key: family_rule.FamilyNode(
            ref=key, office=office, published=published, links=frozenset(links), family=fam, rank=pk
        )
        for key, (pk, office, published, fam, links) in stored.items()
    }
    new_rank = 1 << 62  # new applications rank after every stored one
    for i in batch:
        was = stored.get(i.key)
        if i.published is not None:
            published = i.published
        else:
            published = bool(i.publications) or bool(was and was[2])
        nodes[i.key] = family_rule.FamilyNode(
            ref=i.key,
            office=was[1] if was else office_id,
            published=published,
            links=frozenset(i.links),
            family=was[3] if was else None,
            rank=was[0] if was else new_rank + i.index,
        )
    return list(nodes.values())
