"""Bad input, generated: the number parser, CSV worklists, form fields and the JSON API never
answer with anything but their own validation outcome — no crash, no 5xx, no line lost.

The 100,000-string parser run is marked `fuzz` (deselect with `-m "not fuzz"`); it is
derandomized, so CI sees the same inputs every time."""

import datetime as dt
import json
import string

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import numbers
from dossiers.numbers import InvalidNumber, normalise
from dossiers.services import worklists
from dossiers.services.applications import PriorityIn, application_upsert
from offices.services import api_key_create
from tests.offices.factories import UserFactory

# Fixtures are function scoped; each example only reads them or adds rows that do not change
# what the next example may do, so sharing them across examples is fine.
WEB = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

OFFICES = sorted(numbers.OFFICE_CODES)
CODES = ["US", "EP", "WO", "PCT", "JP", "KR", "CN", "DE", "GB", "FR", "CA", "AU", "IN", "BR", "TW"]
NUMBERISH = string.digits + "ABCDEHKLPRSUWXYZ" + "/,.- " + "平成特願"

number_shaped = st.builds(
    lambda prefix, sep, body, suffix: f"{prefix}{sep}{body}{suffix}",
    st.sampled_from(["", *CODES, "PCT/", "U.S. Ser. No. ", "#", "EP-A-", "特願"]),
    st.sampled_from(["", " ", "-", "/", "."]),
    st.text(alphabet=NUMBERISH, min_size=0, max_size=24),
    st.sampled_from(["", " A1", " B2", ".A", "/12", ",", " E"]),
)
parser_input = st.one_of(
    st.text(),
    st.text(alphabet=NUMBERISH, max_size=40),
    number_shaped,
    st.from_regex(r"[A-Z]{0,3} ?\d{1,4}[/,.-]?\d{0,7}[.,]?\d{0,3}( ?[A-Z]\d?)?", fullmatch=True),
)


BATCH = 10  # strings per example: 10,000 examples x 10 = 100,000 strings, less overhead


@pytest.mark.fuzz
@settings(
    max_examples=100_000 // BATCH,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    texts=st.lists(parser_input, min_size=BATCH, max_size=BATCH),
    office=st.one_of(st.none(), st.sampled_from(OFFICES)),
    kind=st.sampled_from([None, *numbers.KINDS]),
    filed=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
)
def test_number_parser_only_ever_raises_invalid_number(texts, office, kind, filed):
    for text in texts:
        try:
            result = normalise(text, office=office, kind=kind, filed=filed)
        except InvalidNumber as exc:
            assert str(exc)  # a message the user is shown
            continue
        assert result.key and result.display
        assert numbers.format_display(result.key, kind=result.kind, kind_code=result.kind_code)


# --- CSV worklists --------------------------------------------------------------------------

line_fields = st.one_of(
    number_shaped,
    st.text(max_size=30),
    st.sampled_from(["CA 3,000,001", "3000002", "CA3000003", "2026-12-01", "01/12/2026", ""]),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)
csv_line = st.one_of(
    st.lists(line_fields, min_size=1, max_size=4).flatmap(
        lambda fields: st.sampled_from([";", ",", "\t"]).map(lambda sep: sep.join(fields))
    ),
    st.text(),
    st.just("x" * 20_000),  # a huge line
    st.just('"CA 3,000,001;2026-12-01'),  # an unterminated quote
)
csv_text = st.lists(csv_line, max_size=12).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda end: end.join(lines))
)
csv_bytes = st.one_of(
    st.binary(max_size=400),
    csv_text.map(lambda t: t.encode("utf-8")),
    csv_text.map(lambda t: "\ufeff" + t).map(lambda t: t.encode("utf-8")),
    csv_text.map(lambda t: t.encode("utf-16")),
    csv_text.map(lambda t: t.encode("cp1252", errors="replace")),
    csv_text.map(lambda t: t.replace(";", "\x00;").encode("utf-8")),  # NUL bytes
)


@pytest.fixture
def worklist_world(office):
    clerk = UserFactory(office=office, role="clerk", email="clerk@ca.test")
    for n in ("CA 3,000,001", "CA 3,000,002", "CA 3,000,003"):
        application_upsert(office=office, number=n)
    return {"office": office, "clerk": clerk}


def _non_blank(text: str) -> list[int]:
    # A NUL byte carries nothing: a line of NULs alone is blank.
    lines = (text or "").replace("\x00", "").lstrip("\ufeff").splitlines()
    return [n for n, raw in enumerate(lines, start=1) if raw.strip()]


def _check_every_line_accounted_for(text: str, parsed: list[worklists.ParsedLine]) -> None:
    expected = _non_blank(text)
    got = [p.line_no for p in parsed]
    # The first non-blank line may be a header (no digits in its first two columns) and is
    # then skipped; every other non-blank line is in the result, in order, once.
    assert got == expected or got == expected[1:], (got, expected)
    for p in parsed:
        if p.ok:
            assert p.application is not None
        else:
            assert p.reason and p.detail, p


@pytest.mark.django_db
@WEB
@given(data=csv_bytes, order=st.sampled_from(list(worklists.DATE_ORDERS)))
def test_any_csv_file_parses_and_every_line_is_added_or_reported_with_its_number(
    worklist_world, data, order
):
    try:
        text = worklists.text_from_upload(data)
    except ValidationError:
        return  # a spreadsheet's or PDF's first bytes: refused with a message, nothing parsed
    parsed = worklists.lines_parse(text=text, office=worklist_world["office"], order=order)
    _check_every_line_accounted_for(text, parsed)


@pytest.mark.django_db
@WEB
@given(data=csv_bytes)
def test_any_csv_upload_gets_a_page_not_an_error_and_rejected_lines_are_kept(
    client, worklist_world, data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(worklist_world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"),
        {
            "name": "Fuzz",
            "file": SimpleUploadedFile("list.csv", data, "text/csv"),
            "date_order": worklists.DAY_FIRST,
        },
    )
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        from dossiers.models import Worklist

        worklist = Worklist.objects.order_by("-pk").first()
        page = client.get(response["Location"])
        assert page.status_code == 200
        text = worklists.text_from_upload(data)
        reported = [r["line"] for r in worklist.rejected_lines]
        added = worklist.entries.count()
        # The file is read as CSV records (a quoted cell may hold line breaks): each record
        # starts on a non-blank line, in order; lines naming an application already read are
        # merged into its entry (and counted).
        parsed = worklists.lines_parse(
            csv_text=text, office=worklist_world["office"], order=worklists.DAY_FIRST
        )
        starts = [p.line_no for p in parsed]
        assert starts == sorted(set(starts)) and set(starts) <= set(_non_blank(text))
        ok = [p.application.pk for p in parsed if p.ok]
        merged = len(ok) - len(set(ok))
        assert len(reported) + added + merged == len(parsed)


# --- Form fields and the JSON API -----------------------------------------------------------

form_text = st.one_of(
    st.text(max_size=200),
    number_shaped,
    st.text(alphabet=NUMBERISH + "\n\x00<>\"'&;%", max_size=120),
)


@pytest.fixture
def searchable(office, other_office):
    app = application_upsert(
        office=other_office,
        number="AU 2013331234",
        filing_date=dt.date(2015, 4, 2),
        published=True,
        priorities=[PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))],
    )
    return app


@pytest.mark.django_db
@WEB
@given(q=form_text)
def test_search_page_answers_any_query_without_a_server_error(client, examiner, searchable, q):
    client.force_login(examiner)
    response = client.get(reverse("dossiers:search"), {"q": q})
    assert response.status_code < 500


@pytest.mark.django_db
@WEB
@given(number=form_text, scope=st.sampled_from(["application", "family", "bogus", ""]))
def test_watch_by_number_form_answers_any_input_without_a_server_error(
    client, examiner, searchable, number, scope
):
    client.force_login(examiner)
    response = client.post(
        reverse("notifications:watch-list"),
        {"number": number, "scope": scope, "direction": "all", "delivery": "immediate"},
    )
    assert response.status_code < 500


application_form = st.fixed_dictionaries(
    {
        "number": form_text,
        "filing_date": st.one_of(st.dates().map(str), st.text(max_size=20)),
        "title": form_text,
        "applicants": form_text,
        "status": st.sampled_from(["pending", "granted", "bogus", ""]),
        "published": st.sampled_from(["", "on"]),
        "examination_date": st.one_of(st.just(""), st.dates().map(str), st.text(max_size=12)),
        "priorities": form_text,
        "publications": form_text,
        "pct": form_text,
    }
)


@pytest.mark.django_db
@WEB
@given(data=application_form)
def test_application_form_answers_any_input_without_a_server_error(client, office, data):
    client.force_login(UserFactory(office=office, role="clerk"))
    response = client.post(reverse("dossiers:provide-application-create"), data)
    assert response.status_code < 500


json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    number_shaped,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
API_FIELDS = [
    "office",
    "number",
    "filing_date",
    "title",
    "applicants",
    "priorities",
    "publications",
    "pct",
    "published",
    "status",
    "examination_date",
]
api_body = st.one_of(
    st.dictionaries(st.sampled_from(API_FIELDS), json_value, max_size=len(API_FIELDS)),
    st.fixed_dictionaries(
        {"office": st.just("CA"), "number": form_text},
        optional={
            "filing_date": st.one_of(st.dates().map(str), json_value),
            "title": json_value,
            "applicants": st.one_of(st.lists(st.text(max_size=30), max_size=3), json_value),
            "priorities": st.lists(
                st.fixed_dictionaries(
                    {"office": st.sampled_from(CODES), "number": form_text},
                    optional={"date": st.one_of(st.dates().map(str), json_value)},
                ),
                max_size=3,
            ),
            "publications": st.lists(
                st.fixed_dictionaries(
                    {"number": form_text},
                    optional={"date": st.one_of(st.dates().map(str), json_value)},
                ),
                max_size=3,
            ),
            "pct": form_text,
            "published": json_value,
        },
    ),
    json_value,
)


@pytest.mark.django_db
@WEB
@given(body=api_body)
def test_application_api_answers_any_json_without_a_server_error(client, office, body):
    raw = api_key_create(office=office, name="fuzz", scopes=("provide",))[1]
    response = client.post(
        reverse("v1:application-create"),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code < 500, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")


# --- issue 18 item 8: crafted input (NUL, nesting, oversize) is a clear 4xx, never a 500 -------


@pytest.fixture
def provide_key(office):
    return api_key_create(office=office, name="fuzz", scopes=("provide", "access"))[1]


def _post_json(client, name, body: str, raw: str):
    return client.post(
        reverse(name), body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.mark.django_db
def test_nul_bytes_in_pages_and_forms_get_a_message(client, examiner):
    client.force_login(examiner)
    for response in (
        client.get(reverse("dossiers:search"), {"q": "CA\x002,123,456"}),
        client.get(reverse("dossiers:search"), {"q": "CA 2123456\n\x00\nUS 1"}),
        client.post(reverse("account_email"), {"email": "a\x00@ca.test", "action_add": ""}),
    ):
        assert response.status_code < 500


@pytest.mark.django_db
def test_nul_bytes_in_api_json_are_a_field_error(client, provide_key):
    response = _post_json(
        client,
        "v1:application-create",
        json.dumps(
            {"number": "CA 3,400,001", "title": "bad\u0000title", "applicants": ["x\u0000"]}
        ),
        provide_key,
    )
    assert response.status_code == 400
    assert "NUL" in json.dumps(response.json()["errors"])


@pytest.mark.django_db
def test_a_nul_in_one_bulk_item_fails_that_item_only(client, provide_key):
    items = [
        {"number": "CA 3,400,002", "title": "fine"},
        {"number": "CA 3,400,003", "title": "bad\u0000"},
        {"number": "CA\u0000 3,400,004"},
    ]
    response = _post_json(client, "v1:application-bulk", json.dumps(items), provide_key)
    assert response.status_code < 500
    results = response.json()["results"]
    assert [r["ok"] if "ok" in r else r.get("status") != "error" for r in results][0]
    assert len(results) == 3
    from dossiers.models import Application

    assert list(Application.objects.values_list("display", flat=True)) == ["CA 3,400,002"]


@pytest.mark.django_db
def test_deeply_nested_json_is_a_json_400(client, provide_key):
    body = "[" * 100_000 + "]" * 100_000
    for name in ("v1:application-create", "v1:application-bulk"):
        response = _post_json(client, name, body, provide_key)
        assert response.status_code == 400, name
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_json_body_over_the_limit_is_a_json_413(client, settings, provide_key):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps([{"number": f"CA 3,5{i:05d}"} for i in range(200)])
    response = _post_json(client, "v1:application-bulk", body, provide_key)
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert "limit" in response.json()["message"].lower()


# --- raw bodies: deep nesting, oversize, not JSON at all (issue 18.8), any key ----------------


def _nested(depth: int, shape: str) -> str:
    if shape == "list":
        return "[" * depth + "]" * depth
    return '{"number":' * depth + "1" + "}" * depth


BODY_LIMIT = 4096  # DATA_UPLOAD_MAX_MEMORY_SIZE for these examples: oversize stays cheap
raw_api_body = st.one_of(
    api_body.map(json.dumps),
    st.builds(_nested, st.sampled_from([1, 64, 1000, 100_000]), st.sampled_from(["list", "dict"])),
    st.builds(
        lambda n, nul: json.dumps(
            [
                {"number": f"CA {3_600_000 + i}", "title": "t\u0000" if nul else "t"}
                for i in range(n)
            ]
        ),
        st.sampled_from([1, 3, 200]),
        st.booleans(),
    ),
    st.text(max_size=60),
)


@pytest.mark.django_db
@settings(WEB, max_examples=80)
@given(
    body=raw_api_body,
    name=st.sampled_from(["v1:application-create", "v1:application-bulk"]),
    credential=st.sampled_from(["provide", "none", "unknown"]),
)
def test_the_api_answers_any_raw_body_with_json_never_a_server_error(
    client, settings, provide_key, body, name, credential
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_LIMIT
    raw = {"provide": provide_key, "none": "", "unknown": "case_" + "0" * 40}[credential]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    response = client.post(reverse(name), body, content_type="application/json", **headers)
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    if credential == "provide" and len(body.encode()) > BODY_LIMIT:
        assert response.status_code in (400, 413)


# --- uploads: scripts, actions, attachments, page and decompression bombs, damage (18.3, 18.6)


def _hostile_upload(kind: str) -> bytes:
    from tests.dossiers.pdf_samples import encrypted_pdf_bytes, pdf_bytes, truncated_pdf_bytes
    from tests.trust.test_pdf_uploads import _bomb_pdf, _pages_pdf, hostile_pdf

    return {
        "clean": lambda: pdf_bytes(label="fuzz"),
        "scripts and attachments": hostile_pdf,
        "page bomb": lambda: _pages_pdf(UPLOAD_PAGES + 1),
        "decompression bomb": lambda: _bomb_pdf(4 * 1024 * 1024),
        "truncated": truncated_pdf_bytes,
        "encrypted": encrypted_pdf_bytes,
    }[kind]()


UPLOAD_PAGES = 20  # UPLOAD_MAX_PAGES for these examples: a page bomb stays cheap
ACTIVE = (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile")


@pytest.fixture
def upload_target(office):
    app = application_upsert(
        office=office, number="CA 3,700,001", filing_date=dt.date(2021, 1, 4), published=True
    )
    clerk = UserFactory(office=office, role="clerk")
    return app, clerk


@pytest.mark.django_db
@settings(WEB, max_examples=40)
@given(
    kind=st.sampled_from(
        [
            "clean",
            "scripts and attachments",
            "page bomb",
            "decompression bomb",
            "truncated",
            "encrypted",
        ]
    ),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
    via=st.sampled_from(["form", "api"]),
)
def test_any_hostile_pdf_is_refused_with_a_message_or_stored_without_active_content(
    client, settings, office, provide_key, upload_target, kind, flips, via
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.models import Document

    settings.UPLOAD_MAX_PAGES = UPLOAD_PAGES
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = 1024 * 1024
    app, clerk = upload_target
    data = bytearray(_hostile_upload(kind))
    for at, value in flips:  # damage a few bytes anywhere
        data[at % len(data)] = value
    upload = SimpleUploadedFile("f.pdf", bytes(data), "application/pdf")
    before = set(Document.objects.values_list("pk", flat=True))
    if via == "form":
        client.force_login(clerk)
        response = client.post(
            reverse("dossiers:provide-document-upload", args=[app.pk]),
            {
                "files": [upload],
                "category": "search_report",
                "date": "2022-05-01",
                "language": "en",
                "direction": "outgoing",
            },
        )
    else:
        response = client.post(
            reverse("v1:application-documents", args=["CA", app.key]),
            {"file": upload, "category": "search_report", "date": "2022-05-01"},
            HTTP_AUTHORIZATION=f"Bearer {provide_key}",
        )
        assert response["Content-Type"].startswith("application/json")
    assert response.status_code < 500, (kind, flips, response.content[:300])
    for doc in Document.objects.exclude(pk__in=before):
        stored = doc.file.open("rb").read()
        assert not [m for m in ACTIVE if m in stored], (kind, flips, doc.removed_content)
        assert kind not in ("page bomb", "decompression bomb"), (kind, flips)
