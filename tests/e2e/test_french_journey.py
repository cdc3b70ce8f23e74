"""An examiner whose browser speaks French: logs in, searches, opens the family, reads a report
and asks another office for documents, all in French, at 1280 px and 390 px. Then switches
to English in the header and back, and the choice follows them to their next session."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import browser_page, open_menu

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def french_page(browser, live_server):
    """A Chromium whose language is Canadian French (Accept-Language and navigator.language)."""
    yield from browser_page(browser, live_server, locale="fr-CA")


@pytest.fixture
def family(demo_people):
    from django.core.files.base import ContentFile

    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.models import Office
    from tests.dossiers.pdf_samples import report_pdf_bytes

    o = {c: Office.objects.get(code=c) for c in ["US", "EP", "CA"]}
    prio = [PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))]
    us = application_upsert(
        office=o["US"],
        number="US 13/926,335",
        filing_date=dt.date(2013, 6, 26),
        title="Self-aligning fluid coupling",
        published=True,
    )
    ep = application_upsert(
        office=o["EP"],
        number="EP13844704",
        filing_date=dt.date(2013, 10, 10),
        priorities=prio,
        published=True,
    )
    application_upsert(
        office=o["CA"],
        number="CA 2,827,121",
        filing_date=dt.date(2014, 10, 8),
        priorities=prio,
        published=True,
    )
    document_add(
        application=ep,
        file=ContentFile(report_pdf_bytes("European search report"), name="a.pdf"),
        category="search_report",
        date=dt.date(2014, 3, 1),
        code="EPO Form 1503",
    )
    return us, ep


@pytest.mark.parametrize("width", [1280, 390])
def test_french_examiner_logs_in_searches_reads_and_requests_in_french(
    french_page, family, shot, width
):
    from notifications.models import DocumentRequest
    from offices.models import User

    page = french_page
    us, ep = family
    page.set_viewport_size({"width": width, "height": 900})

    # The browser's language is the first visit's language.
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion au portail CASE")
    shot(page, f"french-{width}-01-login")
    page.get_by_label("Adresse courriel").fill("examiner@ca.demo")
    page.get_by_label("Mot de passe").fill("case-demo-2026")
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue")
    # ... and, at the first login, the person's language.
    assert User.objects.get(email="examiner@ca.demo").language == "fr"

    open_menu(page)
    page.get_by_role("navigation", name="Principale").get_by_role("link", name="Recherche").click()
    page.get_by_label("Numéros de demande, de publication ou de priorité").fill(
        "US 13/926,335\nEP.13844704.A\npas-un-numéro"
    )
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_test_id("results")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results.locator("tbody tr").nth(2)).to_contain_text("Numéro non valide")
    # Numbers keep their one display form in French.
    expect(results).to_contain_text("US 13/926,335")
    expect(results).to_contain_text("EP 13844704.0")
    shot(page, f"french-{width}-02-search")

    results.get_by_role("link", name="Famille de EP 13844704.0").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Famille de EP 13844704.0")
    expect(page.get_by_test_id("family-summary")).to_contain_text("Priorité la plus ancienne")
    expect(page.get_by_test_id("members")).to_contain_text("US 13/926,335")
    expect(page.get_by_test_id("documents")).to_contain_text("Rapport de recherche")
    shot(page, f"french-{width}-03-family")

    page.get_by_role(
        "link", name="Consulter Rapport de recherche de EP 13844704.0, 2014-03-01"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport de recherche")
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    # The reader's own words come from the JavaScript catalogue in French.
    expect(viewer.get_by_role("region", name="Page 1 sur 1")).to_be_attached()
    expect(viewer.locator(".pdf-status")).to_have_text("1 page")
    expect(viewer.get_by_role("button", name="Imprimer")).to_be_visible()
    shot(page, f"french-{width}-04-reader")

    page.get_by_role("link", name="Retour à la famille").click()
    # Nothing of the US member is shared: the page says so and offers the request.
    expect(page.get_by_test_id("missing")).to_contain_text("US 13/926,335")
    page.get_by_test_id("members").get_by_role(
        "link", name="Demander des documents pour US 13/926,335"
    ).click()
    # The family already holds a report: the form asks to confirm it was looked at.
    page.locator("#id_family_checked").check()
    page.locator("form.card button.primary").click()
    page.wait_for_url("**/requests/*/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    request = DocumentRequest.objects.get(application=us)
    assert request.requesting_office.code == "CA"
    shot(page, f"french-{width}-05-request")

    # The header's switch: English for this person from now on, on every device; then back.
    open_menu(page)
    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    assert User.objects.get(email="examiner@ca.demo").language == "en-gb"
    shot(page, f"french-{width}-06-switched-to-english")
    open_menu(page)
    page.get_by_test_id("language-switch").get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert User.objects.get(email="examiner@ca.demo").language == "fr"
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
