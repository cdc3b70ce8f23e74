import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import strip_tags

from dossiers.models import PriorityClaim, Publication
from dossiers.services.applications import PriorityIn, application_upsert
from dossiers.services.documents import document_add
from offices.models import Office
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def _family(client, world, **params):
    url = reverse("dossiers:family-detail", args=[world["us"].family_id])
    return client.get(url, params)


def test_family_page_shows_members_by_filing_date_with_report_indicators(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = _family(client, family_world)
    assert page.status_code == 200
    html = page.content.decode()
    order = [
        html.index(s) for s in ["US 13/926,335", "EP 13844704.0", "JP 2015-512345", "AU 2013331234"]
    ]
    assert order == sorted(order)
    assert "EPO Form 1503" in html and "CTNF" in html
    # Each member's line in the time line says which reports it has, in words.
    timeline = html[html.index('data-testid="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    lines = {
        re.search(r"<a [^>]*>([^<]+)</a>", item)[1]: " ".join(strip_tags(item).split())
        for item in timeline.split("<li")[1:]
    }
    assert "SR available WO not available OA not available" in lines["US 13/926,335"]
    assert "SR available WO available OA not available" in lines["EP 13844704.0"]
    for number in ["JP 2015-512345", "AU 2013331234"]:
        assert "SR not available WO not available OA not available" in lines[number]


def test_citations_table_has_a_row_per_cited_document_and_a_column_per_office(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = _family(client, family_world)
    rows = page.context["page"].citations
    assert page.context["page"].citing_offices == ["EP", "US"]
    assert rows[0]["display"] == "US 8,131,731 B2"
    assert rows[0]["by_office"] == {"US": ["X"], "EP": ["Y"]}
    assert rows[1]["npl"].startswith("Smith, Couplings")


def test_simple_family_has_only_members_with_the_same_priorities(client, family_world):
    w = family_world
    application_upsert(
        office=w["offices"]["CA"],
        number="CA 2,888,888",
        published=True,
        priorities=[PriorityIn("US", "US 13/926,335"), PriorityIn("US", "61/999,999")],
    )
    client.force_login(w["au_examiner"])
    extended = _family(client, w, **{"from": w["ep"].pk})
    simple = _family(client, w, **{"from": w["ep"].pk, "view": "simple"})
    assert "CA 2,888,888" in extended.content.decode()
    assert "CA 2,888,888" not in simple.content.decode()
    assert {m.key for m in simple.context["members"]} == {
        "US13926335",
        "EP13844704",
        "JP2015512345",
        "AU2013331234",
    }


def test_family_page_query_count_does_not_grow_with_the_family(
    client, family_world, django_assert_max_num_queries
):
    w = family_world
    client.force_login(w["au_examiner"])
    with django_assert_max_num_queries(20) as small:
        _family(client, w)
    for i in range(12):
        office = OfficeFactory(
            code=["NZ", "SG", "IL", "MX", "ZA", "PH", "MY", "TH", "VN", "CL", "CO", "PE"][i]
        )
        app = application_upsert(
            office=office,
            number=f"{office.code} 123456{i}",
            published=True,
            pct="PCT/US2013/064552",
            filing_date=dt.date(2015, 5, 1),
        )
        document_add(
            application=app,
            file=ContentFile(report_pdf_bytes(f"r{i}"), name="r.pdf"),
            category="office_action",
            date=dt.date(2016, 1, 1),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = _family(client, w)
    assert len(page.context["members"]) == 16


def test_office_policy_hides_its_documents_from_offices_it_does_not_admit(client, family_world):
    w = family_world
    ep = w["offices"]["EP"]
    ep.shares_with_all = False
    ep.save()
    ep.shares_with.set([w["offices"]["JP"]])
    client.force_login(w["au_examiner"])
    html = _family(client, w).content.decode()
    assert "EPO Form 1503" not in html and "CTNF" in html
    doc = w["docs"]["ep_sr"]
    assert client.get(reverse("dossiers:document-detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("dossiers:document-content", args=[doc.pk])).status_code == 404


def test_unpublished_members_of_other_offices_never_show(client, family_world):
    w = family_world
    application_upsert(
        office=w["offices"]["CA"],
        number="CA 2,777,777",
        published=False,
        pct="PCT/US2013/064552",
        title="Secret title",
    )
    client.force_login(w["au_examiner"])
    html = _family(client, w).content.decode()
    assert "CA 2,777,777" not in html and "Secret title" not in html


def test_unknown_family_and_garbage_focus_give_404_and_page(client, family_world):
    client.force_login(family_world["au_examiner"])
    assert client.get(reverse("dossiers:family-detail", args=[999999])).status_code == 404
    assert _family(client, family_world, **{"from": "abc"}).status_code == 200


HOSTILE = "<script>alert(\"x\")</script> & 'q'"
HOSTILE_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;"


def test_hostile_texts_in_the_members_table_and_the_time_line_are_shown_escaped(
    client, family_world
):
    """The members' cells and the time line are written in Python (dossiers/family_html.py):
    every text from the data comes back as text, in attributes too."""
    w = family_world
    PriorityClaim.objects.filter(application=w["ep"]).update(display=HOSTILE)
    Publication.objects.filter(application=w["us"]).update(display=HOSTILE)
    Office.objects.filter(pk=w["offices"]["JP"].pk).update(name=HOSTILE)
    client.force_login(w["au_examiner"])
    html = _family(client, w).content.decode()
    assert "<script>alert" not in html
    members = html[html.index('data-testid="members"') : html.index("</table>")]
    assert f'<div class="help">Priority: {HOSTILE_ESCAPED}</div>' in members
    assert f'<div>{HOSTILE_ESCAPED} <span class="muted">2014-05-01</span>' in members
    assert f'<span class="office-badge" title="{HOSTILE_ESCAPED}">JP</span>' in members
    timeline = html[html.index('data-testid="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert f"<time>2013-06-26</time> Priority {HOSTILE_ESCAPED}</span>" in timeline
    assert f"<time>2014-05-01</time> Published {HOSTILE_ESCAPED}</span>" in timeline
