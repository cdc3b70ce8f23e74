"""Issue 13's "Done when": every real spelling of a family's numbers reaches that family, in the
browser (the search page, one number or a pasted list) and through /api/v1/search."""

import pytest
from django.urls import reverse

from offices.services import api_key_create
from tests.dossiers.real_families import OFFICE_CODES, SPELLINGS, families_load
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL = [(family, s) for family, spellings in SPELLINGS.items() for s in spellings]


@pytest.fixture
def real(db):
    offices = {code: OfficeFactory(code=code) for code in OFFICE_CODES}
    families = families_load(offices)
    # An EP examiner: the bare US numbers (13/926,335) are tried at EP first, then elsewhere.
    examiner = UserFactory(office=offices["EP"], email="examiner@ep.test")
    key = api_key_create(office=offices["EP"], name="search", scopes=["access"])[1]
    return {"families": families, "examiner": examiner, "key": key}


def test_the_list_has_the_issues_spellings_and_real_ones_of_four_families():
    assert len(ALL) >= 60 and len(SPELLINGS) == 4
    issue = set(SPELLINGS["issue-13"])
    for named in ["US20130926335", "JP20150536789", "GB20120018345", "GB201218345"]:
        assert named in issue
    assert "CN201380062258A" in issue


def test_every_spelling_typed_alone_opens_its_family(client, real):
    client.force_login(real["examiner"])
    wrong = []
    for family, typed in ALL:
        response = client.post(reverse("dossiers:search"), {"q": typed})
        want = reverse("dossiers:family-detail", args=[real["families"][family]])
        if response.status_code != 302 or not response["Location"].startswith(want + "?"):
            wrong.append((typed, response.status_code, response.get("Location")))
    assert not wrong, wrong


def test_every_spelling_in_one_pasted_list_gets_a_line_with_its_family(client, real):
    client.force_login(real["examiner"])
    page = client.post(reverse("dossiers:search"), {"q": "\n".join(s for _f, s in ALL)})
    assert page.status_code == 200
    lines = page.context["lines"]
    assert [ln.typed for ln in lines] == [s for _f, s in ALL]
    wrong = [
        (ln.typed, ln.family_ids, ln.error)
        for (family, _s), ln in zip(ALL, lines, strict=True)
        if ln.family_ids != [real["families"][family]] or ln.ambiguous
    ]
    assert not wrong, wrong
    html = page.content.decode()
    assert "Not shared" not in html and "Not a valid number" not in html


def test_every_spelling_reaches_its_family_through_the_api(client, real):
    wrong = []
    for family, typed in ALL:
        response = client.get(
            "/api/v1/search", {"number": typed}, HTTP_AUTHORIZATION=f"Bearer {real['key']}"
        )
        body = response.json()
        got = {a["family"] for a in body.get("applications", [])}
        if response.status_code != 200 or got != {real["families"][family]}:
            wrong.append((typed, response.status_code, body))
    assert not wrong, wrong


def test_api_search_says_how_it_understood_the_epodoc_form(client, real):
    body = client.get(
        "/api/v1/search", {"number": "US20130926335"}, HTTP_AUTHORIZATION=f"Bearer {real['key']}"
    ).json()
    assert body["understood"]["display"] == "US 13/926,335"
    assert body["understood"]["kind"] == "application"
    assert (body["understood"]["docdb"], body["understood"]["epodoc"]) == (
        "US.201313926335.A",
        "US201313926335",
    )
    assert body["did_you_mean"] == []


def test_api_gives_the_epo_forms_of_every_stored_number(client, real):
    body = client.get(
        f"/api/v1/families/{real['families']['us-8131731']}",
        HTTP_AUTHORIZATION=f"Bearer {real['key']}",
    ).json()
    members = {m["display"]: m for m in body["members"]}
    # As the OPS record gives them (tests/dossiers/data/number_corpus.csv).
    us, ep = members["US 11/964,952"], members["EP 08868513.6"]
    assert (us["docdb"], us["epodoc"]) == ("US.96495207.A", "US20070964952")
    assert (ep["docdb"], ep["epodoc"]) == ("EP.08868513.A", "EP20080868513")
    assert (ep["pct"]["docdb"], ep["pct"]["epodoc"]) == ("US.2008086599.W", "WO2008US86599")
    assert [(p["docdb"], p["epodoc"]) for p in ep["priorities"]] == [
        ("US.96495207.A", "US20070964952")
    ]
    pubs = {p["display"]: p for m in body["members"] for p in m["publications"]}
    assert pubs["US 8,131,731 B2"]["docdb"] == "US.8131731.B2"
    assert pubs["JP 4961043 B2"]["docdb"] == "JP.4961043.B2"
    assert pubs["TW I452476 B"]["docdb"] == "TW.I452476.B"
    # Filled for every application and publication of the family; the parser does not derive
    # the forms of TW applications (ROC-year numbers), so those are null, never wrong.
    assert members["TW 97145995"]["docdb"] is None
    assert all(m["docdb"] and m["epodoc"] for m in body["members"] if m["office"] != "TW")
    assert (pubs["TW 200928818 A"]["docdb"], pubs["TW 200928818 A"]["epodoc"]) == (
        "TW.200928818.A",
        "TW200928818",
    )
    assert all(p["docdb"] and p["epodoc"] for p in pubs.values())
