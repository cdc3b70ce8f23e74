"""case_portal/compiled.py: a read compiled once per shape gives what the ORM gives."""

import pytest
from django.db.models import F

from case_portal import compiled
from dossiers.models import Application, LookupKey
from tests.dossiers.factories import ApplicationFactory
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    compiled._kept.clear()
    yield
    compiled._kept.clear()


def _lookup(keys):
    return (
        LookupKey.objects.filter(key__in=keys, application__published=True)
        .select_related("application__office")
        .annotate(doubled=F("application_id") * 2)
        .order_by("key")
    )


def _seen(rows):
    return [(r.pk, r.key, r.application.pk, r.application.office.code, r.doubled) for r in rows]


def test_rows_related_objects_and_annotations_are_the_orms_with_new_values_each_time(
    django_assert_num_queries,
):
    ca = OfficeFactory(code="CA")
    apps = [ApplicationFactory(office=ca, number=f"CA {3_600_000 + i}") for i in range(4)]
    keys = [a.key for a in apps]
    first = compiled.compiled_rows(_lookup, shape="t", values=keys[:2])
    assert _seen(first) == _seen(_lookup(keys[:2]))
    with django_assert_num_queries(1):  # the office came with its row, no query of its own
        again = compiled.compiled_rows(_lookup, shape="t", values=keys[2:])
        seen = _seen(again)
    assert seen == _seen(_lookup(keys[2:])) and len(seen) == 2
    assert len(compiled._kept) == 1  # the SQL of the first call, run with the other keys
    assert isinstance(again[0], LookupKey) and isinstance(again[0].application, Application)
    assert compiled.compiled_rows(_lookup, shape="t", values=["XX1", "XX2"]) == []


def test_an_empty_queryset_runs_no_query_and_an_ambiguous_value_falls_back_to_the_orm(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        assert (
            compiled.compiled_rows(
                lambda keys: LookupKey.objects.none(), shape="none", values=["CA3600000"]
            )
            == []
        )
    app = ApplicationFactory(office=OfficeFactory(code="CA"), number="CA 3,600,009")

    # The value appears twice among the parameters: no slot to fill, the ORM answers.
    def twice(keys):
        return LookupKey.objects.filter(key__in=keys).filter(key__in=keys)

    rows = compiled.compiled_rows(twice, shape="twice", values=[app.key])
    assert [r.application_id for r in rows] == [app.pk]
    assert ("twice", 1) not in compiled._kept


def test_a_prepared_read_gives_the_orms_rows_is_counted_and_is_planned_once_per_connection(
    django_assert_num_queries,
):
    from django.db import connection

    def prepared_here() -> int:  # this test's statement (its "doubled" column) on the server
        if connection.vendor != "postgresql":
            return 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%AS "doubled"%'],
            )
            return cursor.fetchone()[0]

    ca = OfficeFactory(code="CA")
    apps = [ApplicationFactory(office=ca, number=f"CA {3_600_100 + i}") for i in range(4)]
    keys = [a.key for a in apps]
    before = prepared_here() - (connection.vendor != "postgresql")
    first = compiled.compiled_rows(_lookup, shape="p", values=keys[:2], prepared=True)
    assert _seen(first) == _seen(_lookup(keys[:2]))
    with django_assert_num_queries(1) as logged:  # logged as the ORM's own queries are
        again = compiled.compiled_rows(_lookup, shape="p", values=keys[2:], prepared=True)
    assert 'AS "doubled"' in logged.captured_queries[0]["sql"]  # the text of what ran
    assert _seen(again) == _seen(_lookup(keys[2:])) and len(again) == 2
    assert prepared_here() == before + 1  # one statement, prepared once, run twice
