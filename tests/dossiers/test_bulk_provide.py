"""Bulk provide (POST /api/v1/applications/bulk, import_applications) keeps the rules of the
one-by-one path: the same families, the same stored rows, the same refusals, visibility and
request attachment."""

import gc
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from dossiers import numbers
from dossiers.models import Application, Family, LookupKey, PriorityClaim, Publication
from dossiers.services.applications import application_bulk_upsert, application_provide
from notifications.models import DocumentRequest
from notifications.services import request_make
from offices.services import api_key_create
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

US_PROV = {"office": "US", "number": "US 61/999,999", "date": "2014-03-01"}
AU_PROV = {"office": "AU", "number": "AU 2015900123", "date": "2015-01-09"}

# (office, item) in the order an office's systems would send them: real number shapes from five
# offices, a priority chain (US provisional -> JP -> CA), PCT national phases entering an existing
# family, two families a later item of the same call merges, a number sent twice in one call
# (the second drops its priority: a split), and a call that splits a merged family again.
SEQUENCE = [
    ("US", {"number": "US 13/926,335", "filing_date": "2013-06-25",
            "priorities": [{"office": "GB", "number": "GB 1218345.6", "date": "2012-10-12"}]}),
    ("US", {"number": "61/711,111", "filing_date": "2012-10-09"}),
    ("US", {"number": "US.96495207.A", "filing_date": "2007-12-27", "published": True,
            "publications": [{"number": "US 2009/0171930 A1", "date": "2009-07-02"},
                             {"number": "US 8,131,731 B2", "date": "2012-03-06"}]}),
    ("EP", {"number": "EP 13844704.0", "pct": "PCT/US2013/064552",
            "priorities": [{"office": "US", "number": "US 13/926,335"}]}),
    ("EP", {"number": "EP.08868513.A", "pct": "US.2008086599.W",
            "priorities": [{"office": "US", "number": "US.96495207.A", "date": "2007-12-27"}]}),
    ("JP", {"number": "JP 2015-536789", "pct": "WO2013US64552",
            "priorities": [{"office": "US", "number": "13/926335"}]}),
    ("JP", {"number": "特願2016-111111", "title": "Chain link",
            "priorities": [{"office": "US", "number": "US 61/711,111"}]}),
    ("CA", {"number": "CA 2,900,001", "priorities": [{"office": "JP", "number": "2016-111111"}]}),
    ("CA", {"number": "2900002", "pct": "PCT/US2013/064552", "title": "National phase"}),
    ("CA", {"number": "CA 2900003", "priorities": [US_PROV]}),
    ("CA", {"number": "CA 2,900,004", "priorities": [AU_PROV]}),
    ("CA", {"number": "CA2900005", "priorities": [US_PROV, AU_PROV], "published": False}),
    ("CA", {"number": "CA 2,900,001", "title": "Sent again without its priority"}),
    ("CA", {"number": "nonsense"}),
    ("CA", {"number": "CA 2900006", "title": "NUL \x00 in it"}),
    ("CA", {"number": "CA 2900007", "filing_date": "31.02.2015"}),
    ("CN", {"number": "CN 201380062258.8", "pct": "PCT/US2013/064552",
            "publications": [{"number": "CN 104838434 A", "date": "2015-08-12"}]}),
    ("CA", {"number": "CA 2900005", "priorities": [US_PROV],
            "publications": [{"number": "CA 2900005 A1", "date": "2016-01-01"}]}),
]  # fmt: skip
# Families across offices join published applications only (issue 18.2): every item is published
# unless it says otherwise.
SEQUENCE = [(code, {"published": True, **item}) for code, item in SEQUENCE]


@pytest.fixture
def offices(db):
    return {c: OfficeFactory(code=c) for c in ("US", "EP", "JP", "CA", "CN", "AU", "GB")}


def _state() -> dict:
    """Everything a user could notice of the stored applications, by key (ids aside)."""
    apps = {a.pk: a for a in Application.objects.all()}
    families: dict[int, set[str]] = {}
    for a in apps.values():
        families.setdefault(a.family_id, set()).add(a.key)

    def rows(model, *fields):
        out: dict[str, set] = {}
        for row in model.objects.values_list("application_id", *fields):
            out.setdefault(apps[row[0]].key, set()).add(row[1:])
        return out

    return {
        "families": sorted(sorted(f) for f in families.values()),
        "family count": Family.objects.count(),
        "applications": {
            a.key: (
                a.display,
                a.title,
                a.published,
                a.status,
                a.filing_date,
                a.pct_key,
                a.is_pct,
                tuple(a.applicants),
            )
            for a in apps.values()
        },
        "priorities": rows(PriorityClaim, "key", "display", "date"),
        "publications": rows(Publication, "key", "kind_code", "display", "date"),
        "lookup keys": rows(LookupKey, "key", "source"),
    }


def _calls(sequence):
    """Consecutive items of one office form one bulk call."""
    calls: list[tuple[str, list[dict]]] = []
    for code, item in sequence:
        if calls and calls[-1][0] == code:
            calls[-1][1].append(item)
        else:
            calls.append((code, [item]))
    return calls


def _bulk_post(client, raw_key: str, items: list):
    return client.post(
        "/api/v1/applications/bulk",
        json.dumps({"applications": items}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
    )


def _wipe():
    Application.objects.all().delete()
    Family.objects.all().delete()


def test_families_after_a_bulk_load_are_those_after_the_same_items_one_by_one(offices):
    one_by_one = []
    for code, item in SEQUENCE:
        try:
            app, created = application_provide(office=offices[code], data=item)
            one_by_one.append("created" if created else "updated")
        except Exception:  # noqa: BLE001 - the refusal itself is compared below
            one_by_one.append("error")
    expected = _state()
    # The sequence does what it says: the chain, the PCT phases and the split hold.
    fams = {frozenset(f) for f in expected["families"]}
    assert frozenset({"US61711111", "JP2016111111"}) in fams  # CA 2,900,001 left the chain
    assert frozenset({"CA2900001"}) in fams
    assert frozenset({"CA2900004"}) in fams  # split off again by the last call
    assert {"US13926335", "EP13844704", "JP2015536789", "CA2900002",
            "CN201380062258"} <= next(f for f in fams if "US13926335" in f)  # fmt: skip
    assert {"CA2900003", "CA2900005"} <= next(f for f in fams if "CA2900003" in f)

    _wipe()
    in_bulk = []
    for code, items in _calls(SEQUENCE):
        in_bulk += [r["status"] for r in application_bulk_upsert(office=offices[code], items=items)]
    assert in_bulk == one_by_one
    assert _state() == expected


def test_a_later_item_in_the_same_call_merges_two_families(offices):
    results = application_bulk_upsert(
        office=offices["CA"],
        items=[
            {"number": "CA 2900003", "priorities": [US_PROV]},
            {"number": "CA 2,900,004", "priorities": [AU_PROV]},
            {"number": "CA2900005", "priorities": [US_PROV, AU_PROV]},
        ],
    )
    assert len({r["family"] for r in results}) == 1
    assert Family.objects.count() == 1


def test_bad_items_are_reported_by_index_and_the_others_are_saved(offices, client):
    _, raw = api_key_create(office=offices["CA"], name="t", scopes=["provide"])
    items = [
        {"number": "CA 2,900,001"},
        {"number": "EP 13844704.0"},  # another office's number
        {"number": "CA 2900006", "title": "NUL \x00 in it"},
        {"number": "CA 2900007", "filing_date": "31.02.2015"},
        {"number": "CA 2900008", "priorities": [{"office": "US", "number": "61/99"}]},
        "not an object",
        {"number": "CA 2900009", "status": "granted"},
        {"number": "CA 2900010", "applicants": ["Lone \ud800 surrogate"]},
        {"number": "CA 2900011", "title": "A paired surrogate: \U0001f600 is text"},
        {"number": "CA 2900012", "priorities": [{"office": "US", "number": "61/1\x00"}]},
        {"number": "CA 2900013", "title": "A backslash-u typed out: \\u0000"},
    ]
    response = _bulk_post(client, raw, items)
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"total": 11, "created": 4, "updated": 0, "error": 7}
    errors = {r["index"]: r["errors"] for r in body["results"] if r["status"] == "error"}
    assert set(errors) == {1, 2, 3, 4, 5, 7, 9}
    assert "not one of CA" in errors[1]["number"][0]
    assert errors[2]["title"] == ["Must not contain NUL characters or unpaired surrogates."]
    assert errors[7]["applicants"] == errors[9]["priorities"] == errors[2]["title"]
    assert "YYYY-MM-DD" in errors[3]["filing_date"][0]
    assert errors[4]["priorities"]
    assert errors[5]["non_field_errors"]
    assert body["results"][6]["display"] == "CA 2,900,009"
    assert set(Application.objects.values_list("key", flat=True)) == {
        "CA2900001",
        "CA2900009",
        "CA2900011",
        "CA2900013",
    }
    assert Application.objects.get(key="CA2900013").title.endswith("\\u0000")


def test_a_number_with_a_lone_surrogate_is_an_item_error_and_the_call_still_answers(
    offices, client
):
    _, raw = api_key_create(office=offices["CA"], name="t", scopes=["provide"])
    response = _bulk_post(client, raw, [{"number": "CA 29\ud80000"}, {"number": "CA 2900001"}])
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"total": 2, "created": 1, "updated": 0, "error": 1}
    bad = body["results"][0]
    assert bad["number"] == "CA 29\ufffd00"
    assert bad["errors"]["number"] == ["Must not contain NUL characters or unpaired surrogates."]


def test_a_number_sent_as_a_json_number_is_echoed_as_sent_in_bulk_and_import(
    offices, client, tmp_path
):
    _, raw = api_key_create(office=offices["CA"], name="t", scopes=["provide"])
    items = [{"number": 2999001}, {"number": ["CA 2999002"]}, {"title": "no number"}]
    results = _bulk_post(client, raw, items).json()["results"]
    assert [(r["number"], r["errors"]["number"]) for r in results] == [
        ("2999001", ["Must be text, not a number."]),
        ('["CA 2999002"]', ["Must be text, not a list."]),
        (None, ["The application number is required."]),
    ]
    path = tmp_path / "ca.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    report, _ = _import(path, "--office", "CA", "--jobs", "1")
    rejects = [json.loads(line) for line in open(report["rejects"])]
    assert [r["number"] for r in rejects] == ["2999001", '["CA 2999002"]', None]


def test_an_import_whose_first_office_is_not_text_says_so_in_plain_words(offices, tmp_path):
    path = tmp_path / "ca.jsonl"
    path.write_text(json.dumps({"office": ["CA"], "number": "CA 2900001"}) + "\n")
    with pytest.raises(CommandError) as refused:
        _import(path, "--jobs", "1")
    assert str(refused.value) == (
        'The first item\'s office must be text, e.g. "CA", not a list; pass --office.'
    )


def test_another_offices_pct_number_is_refused_in_bulk_as_one_by_one(offices):
    application_provide(office=offices["US"], data={"number": "PCT/US2013/064552"})
    with pytest.raises(ValidationError) as one:
        application_provide(office=offices["CA"], data={"number": "PCT/US2013/064552"})
    results = application_bulk_upsert(
        office=offices["CA"], items=[{"number": "PCT/US2013/064552"}, {"number": "CA 2900001"}]
    )
    assert results[0]["errors"] == one.value.message_dict
    assert "receiving office US" in results[0]["errors"]["number"][0]
    assert results[1]["status"] == "created"


def test_an_unpublished_application_provided_in_bulk_is_seen_by_its_office_only(offices, client):
    _, provide = api_key_create(office=offices["CA"], name="p", scopes=["provide", "access"])
    _, au = api_key_create(office=offices["AU"], name="a", scopes=["access"])
    _bulk_post(client, provide, [{"number": "CA 2900001", "published": False, "title": "Secret"}])
    url = "/api/v1/applications/CA/2900001"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {provide}").json()["title"] == "Secret"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {au}").status_code == 404


def test_a_request_for_a_number_not_yet_held_is_attached_when_it_arrives_in_bulk(offices):
    au = offices["AU"]
    examiner = UserFactory(office=offices["CA"], role="examiner")
    req = request_make(user=examiner, number=numbers.normalise("AU 2015 900 123"))[0]
    assert req.application is None
    unpublished = application_bulk_upsert(office=au, items=[{"number": "AU2015900123"}])
    req.refresh_from_db()
    assert req.application is None  # not published: the asking office must not learn of it
    results = application_bulk_upsert(
        office=au,
        items=[
            {"number": "AU 2015900124", "published": True},
            {"number": "AU2015900123", "published": True},
        ],
    )
    req.refresh_from_db()
    assert req.application_id == results[1]["id"] == unpublished[0]["id"]
    assert DocumentRequest.objects.filter(application_id=results[0]["id"]).count() == 0


def test_a_call_of_200_applications_takes_a_fixed_number_of_queries(
    offices, client, django_assert_max_num_queries
):
    _, raw = api_key_create(office=offices["CA"], name="t", scopes=["provide"])
    items = [
        {
            "number": f"CA {2_900_000 + i:,}",
            "priorities": [{"office": "US", "number": f"61/{700_000 + i // 2}"}],
            "publications": [{"number": f"CA {2_900_000 + i} A1"}],
            **({"pct": f"PCT/US2013/{i + 1:06d}"} if i % 2 == 0 else {}),
        }
        for i in range(200)
    ]
    with django_assert_max_num_queries(40):  # 0.2 a new application
        response = _bulk_post(client, raw, items)
    assert response.json()["summary"]["created"] == 200
    assert Family.objects.count() == 100
    with django_assert_max_num_queries(40):  # and as many again to update them all
        again = _bulk_post(client, raw, items)
    assert again.json()["summary"]["updated"] == 200


# --- import_applications -------------------------------------------------------------------


CSV = """office,number,filing_date,title,applicants,status,published,examination_date,pct,priorities,publications
CA,"CA 2,900,001",2014-10-01,Widget,Acme Inc.; Maple Ltd.,granted,true,,PCT/US2013/064552,"US|61/711,111|2012-10-09",CA 2900001 A1|2015-04-17
CA,2900002,2014-10-02,Gadget,,,,,,"US|US 61/711,111; JP|2016-111111",
CA,2900003,2015-02-31,Bad date,,,,,,,
CA,2900004,,Unknown status,,pending,,,,,
CA,CA 2900005,,Too many cells,,,,,,,,extra
CA,2900006,,,,,no,2016-05-01,,,
"""  # noqa: E501


def _import(path, *args) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_applications", str(path), *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_import_of_a_csv_back_file_writes_the_good_lines_and_rejects_the_others(offices, tmp_path):
    path = tmp_path / "ca.csv"
    path.write_text(CSV)
    report, err = _import(path)
    assert report["summary"] == {"total": 6, "created": 3, "updated": 0, "error": 3}
    assert "100%" in err and "3 created" in err
    rejects = [json.loads(line) for line in open(report["rejects"])]
    assert [(r["line"], sorted(r["errors"])) for r in rejects] == [
        (4, ["filing_date"]),
        (5, ["status"]),
        (6, ["non_field_errors"]),
    ]
    first = Application.objects.get(key="CA2900001")
    assert (first.title, first.applicants, first.status, first.published) == (
        "Widget",
        ["Acme Inc.", "Maple Ltd."],
        "granted",
        True,
    )
    assert first.pct_display == "PCT/US2013/064552"
    assert first.family_id == Application.objects.get(key="CA2900002").family_id
    assert set(first.publications.values_list("display", flat=True)) == {"CA 2,900,001 A1"}
    last = Application.objects.get(key="CA2900006")
    assert (last.published, str(last.examination_date)) == (False, "2016-05-01")

    # A second run of the same file changes nothing but says every line was updated.
    before = _state()
    again, _ = _import(path)
    assert again["summary"] == {"total": 6, "created": 0, "updated": 3, "error": 3}
    assert _state() == before


def test_import_of_json_lines_gives_the_families_of_the_bulk_endpoint(offices, tmp_path):
    ca_items = [item for code, item in SEQUENCE if code == "CA"]
    application_bulk_upsert(office=offices["CA"], items=ca_items)
    expected = _state()
    _wipe()
    path = tmp_path / "ca.jsonl"
    lines = [json.dumps(item) for item in ca_items]
    lines.insert(3, "{not json")
    path.write_text("\n".join(lines) + "\n")
    report, _ = _import(path, "--office", "CA", "--chunk", "3", "--jobs", "1")
    assert _state() == expected
    rejects = [json.loads(line) for line in open(report["rejects"])]
    assert (
        rejects[0]["line"] == 4
        and "Not a JSON object" in rejects[0]["errors"]["non_field_errors"][0]
    )
    assert [r["number"] for r in rejects[1:]] == ["nonsense", "CA 2900006", "CA 2900007"]


def test_import_with_parse_processes_writes_what_one_process_writes(offices, tmp_path):
    path = tmp_path / "ca.jsonl"
    items = [
        {
            "number": f"CA {2_900_000 + i}",
            "priorities": [{"office": "US", "number": f"61/{700_000 + i // 3}"}],
        }
        for i in range(30)
    ]
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    _import(path, "--office", "CA", "--jobs", "1")
    expected = _state()
    _wipe()
    report, err = _import(path, "--office", "CA", "--jobs", "2", "--chunk", "4")
    assert report["summary"]["created"] == 30 and report["rejects"] is None
    assert "30 lines" in err
    assert _state() == expected
    assert len(expected["families"]) == 10
    # The load turns automatic garbage collection off and freezes what it held; both undone.
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_import_reads_a_bulk_endpoint_document_too(offices, tmp_path):
    path = tmp_path / "apps.json"
    items = [{"office": "CA", "number": f"2,12{i},456", "published": True} for i in range(5)]
    path.write_text(json.dumps({"applications": [*items, {"number": "x"}]}))
    report, err = _import(path)
    assert report["summary"] == {"total": 6, "created": 5, "updated": 0, "error": 1}
    assert Application.objects.filter(office=offices["CA"], published=True).count() == 5


def test_import_without_a_providing_office_stops_with_a_message(offices, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"number": "2900001"}) + "\n")
    with pytest.raises(CommandError, match="pass --office"):
        _import(path)


def test_an_import_that_outgrows_the_tables_refreshes_their_planner_statistics(
    offices, tmp_path, monkeypatch
):
    # Statistics taken on near-empty tables make the merge scan whole tables, chunk after chunk.
    from django.db import connection

    from dossiers.management.commands import import_applications

    monkeypatch.setattr(import_applications, "ANALYZE_AFTER", 3)
    path = tmp_path / "ca.jsonl"
    path.write_text("".join(json.dumps({"number": f"CA {2_900_000 + i}"}) + "\n" for i in range(8)))
    with connection.cursor() as cur:
        cur.execute("ANALYZE dossiers_application")  # empty: the planner sees no rows
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'dossiers_application'")
        assert cur.fetchone()[0] <= 0
        report, _ = _import(path, "--office", "CA", "--chunk", "2", "--jobs", "1")
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'dossiers_application'")
        assert cur.fetchone()[0] >= 4
    assert report["summary"]["created"] == 8


def test_keys_and_ids_go_as_one_array_literal_and_anything_else_as_a_list():
    from case_portal.sql import array_param

    assert array_param(["CA2900001", "WO2013US064552"]) == "{CA2900001,WO2013US064552}"
    assert array_param([3, 12]) == "{3,12}"
    assert array_param([]) == "{}"
    # Quoting is psycopg's: a value a literal would misread goes as a list.
    assert array_param(["a b", 'x"}']) == ["a b", 'x"}']
    assert array_param(["a,b"]) == ["a,b"]  # one value, not two
    assert array_param(["", "CA1"]) == ["", "CA1"]
    assert array_param(["NULL"]) == ["NULL"]
