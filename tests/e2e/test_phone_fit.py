"""Every page a person uses fits a 390 x 844 phone: nothing is wider than the window (tables
scroll inside their own box), and the header folds into a Menu button."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import resolve
from django.utils import timezone
from playwright.sync_api import expect

from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.e2e.helpers import login
from tests.federation.nodes import TOKEN, Node, application_put

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 390, "height": 844}

# Pages nobody reads on screen (downloads, POST-only actions, redirects): not checked for width.
NOT_PAGES = {
    "healthz",
    "signup-closed",
    "admin-login",
    "dossiers:document-content",
    "dossiers:family-documents-zip",
    # A PDF; a large selection's "make it in the background" page is checked at 390 px in
    # tests/e2e/test_examiner_journey.py (it needs settings this world does not set).
    "dossiers:family-documents-pdf",
    "dossiers:provide-document-withdraw",
    "dossiers:worklist-lines-add",
    "dossiers:worklist-entry-remove",
    "dossiers:package-create",
    "dossiers:package-status",
    "dossiers:package-download",
    "dossiers:package-retry",
    "dossiers:merged-pdf-status",
    "dossiers:merged-pdf-download",
    "dossiers:merged-pdf-retry",
    "offices:user-set-active",
    "offices:api-key-revoke",
    "notifications:watch-quick",
    "notifications:watch-delete",
    "notifications:notification-read-all",
    "notifications:notification-open",
    "notifications:notification-read",
    "stats:statistics-pdf",
    "stats:report-request",
    "stats:report-download",
    "stats:access-log-csv",
    "stats:statistics-csv",
    "stats:office-users-csv",
    "stats:office-users-pdf",
    "stats:published",
    "dossiers:number-permalink",
    "dossiers:remote-document-content",
    "dossiers:worklist-entry-redate",
    "dossiers:worklist-entry-request",
}
# Pages added in parallel this round whose phone check still needs their data in phone_world
# (each has a 390 px screenshot in its own journey): a known gap, listed so it stays visible.
NOT_YET_CHECKED: set[str] = set()
APPS = ("dossiers", "notifications", "offices", "stats")


@pytest.fixture
def phone_world(demo_people, tmp_path, settings):
    from dossiers.models import Citation, Worklist, WorklistEntry
    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from notifications.services import request_make, watch_save, watch_unsubscribe_token
    from offices.models import Office, User

    o = {c: Office.objects.get(code=c) for c in ["US", "EP", "AU", "JP"]}
    prio = [PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))]
    us = application_upsert(
        office=o["US"],
        number="US 13/926,335",
        filing_date=dt.date(2013, 6, 26),
        title="Self-aligning fluid coupling with a very long title that has to wrap on a phone",
        applicants=["Acme Fluidics Incorporated of Springfield"],
        published=True,
    )
    ep = application_upsert(
        office=o["EP"],
        number="EP13844704",
        filing_date=dt.date(2013, 10, 10),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )
    au = application_upsert(
        office=o["AU"],
        number="AU 2013331234",
        filing_date=dt.date(2015, 4, 2),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )
    jp = application_upsert(
        office=o["JP"],
        number="JP 2015-512345",
        filing_date=dt.date(2015, 4, 1),
        priorities=prio,
        published=True,
    )
    sr = document_add(
        application=ep,
        file=ContentFile(report_pdf_bytes("European search report"), name="a.pdf"),
        category="search_report",
        date=dt.date(2014, 3, 1),
        code="EPO Form 1503",
    )
    document_add(
        application=us,
        file=ContentFile(report_pdf_bytes("Non-final rejection"), name="b.pdf"),
        category="office_action",
        date=dt.date(2014, 9, 1),
        code="CTNF",
    )
    own = document_add(
        application=au,
        file=ContentFile(report_pdf_bytes("Examination report"), name="c.pdf"),
        category="office_action",
        date=dt.date(2016, 1, 5),
        code="EXR1",
    )
    Citation.objects.create(document=sr, cited_key="US8131731", cited_display="US 8,131,731 B2")
    # A web-service office's report, read through the portal (the remote reader).
    from offices.service_models import office_service_save

    settings.FEDERATION_CACHE_DIR = str(tmp_path / "fedcache")
    (tmp_path / "ca-node").mkdir()
    node = Node(office="CA", root=tmp_path / "ca-node", log=tmp_path / "ca-node.log").start()
    ca_office = Office.objects.get(code="CA")
    office_service_save(office=ca_office, mode="web_service", base_url=node.url, token=TOKEN)
    ca = application_upsert(
        office=ca_office,
        number="CA 2,888,888",
        filing_date=dt.date(2015, 4, 8),
        priorities=prio,
        published=True,
    )
    report = report_pdf_bytes("CIPO examiner's report", pages=2)
    application_put(
        tmp_path / "ca-node",
        ca.key,
        [{"id": "r1", "category": "office_action", "date": "2016-05-17", "data": report}],
    )
    examiner = User.objects.get(email="examiner@au.demo")
    clerk = User.objects.get(email="clerk@au.demo")
    admin = User.objects.get(email="admin@au.demo")
    watch, _ = watch_save(user=examiner, application=ep)
    request, _ = request_make(user=examiner, application=jp, message="Please share")
    # AU's own queue: a request from another office, with a long message and a long number.
    us_examiner = User.objects.get(email="examiner@us.demo")
    request_make(
        user=us_examiner,
        application=au,
        category="office_action",
        needed_by=timezone.localdate() + dt.timedelta(days=20),
        requester_application=us,
        message="Our examination of the self-aligning fluid coupling starts in three weeks; "
        "the latest examination report would help us a great deal. Thank you!",
    )
    office_watch, _ = watch_save(user=clerk, application=ep)
    worklist = Worklist.objects.create(office=o["AU"], name="December hearings", created_by=clerk)
    WorklistEntry.objects.create(
        worklist=worklist, application=au, examination_date=dt.date(2026, 12, 20)
    )
    # A large one PDF of the examiner's, built, with a document left out (a long line).
    from dossiers.models import MergedPdf

    merged = MergedPdf(
        requested_by=examiner,
        family_id=ep.family_id,
        heading="Reports of the family of EP 13844704.0",
        title=us.title,
        file_name="family.pdf",
        state="ready",
        total=3,
        done=3,
        pages=3,
        size=41_000,
        left_out=["US 13/926,335 Office action of 2014-09-01 (you can no longer see it)"],
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    merged.file.save("one.pdf", ContentFile(report_pdf_bytes("Merged")), save=False)
    merged.save()
    yield {
        "examiner": [
            "/",
            "/search/",
            "/search/?q=US+13%2F926%2C335%0AEP13844704%0Anot-a-number",
            f"/families/{ep.family_id}/?from={ep.pk}",
            f"/documents/{sr.pk}/",
            f"/one-pdf/{merged.pk}/",
            f"/documents/remote/{ca.pk}/{ca.key}.r1/",
            "/watch/",
            f"/watch/{watch.pk}/",
            "/notifications/",
            "/notifications/settings/",
            "/requests/",
            f"/requests/new/?application={jp.pk}",
            f"/requests/{request.pk}/",
            "/accounts/2fa/",
            "/accounts/password/change/",
            "/accounts/email/",
            "/office/welcome/",
        ],
        "clerk": [
            "/provide/",
            "/provide/applications/new/",
            f"/provide/applications/{au.pk}/",
            f"/provide/applications/{au.pk}/edit/",
            f"/provide/applications/{au.pk}/documents/new/",
            f"/provide/documents/{own.pk}/edit/",
            f"/provide/documents/{own.pk}/citations/",
            "/worklists/",
            f"/worklists/{worklist.pk}/",
            "/requests/?tab=incoming",
        ],
        "admin": [
            "/office/users/",
            "/office/users/invite/",
            f"/office/users/{examiner.pk}/",
            "/office/api-keys/",
            "/office/access-policy/",
            "/office/request-contacts/",
            "/office/settings/",
            "/statistics/",
            "/statistics/access-log/",
            "/statistics/users/",
            "/api/docs/",
            "/office/welcome/",
        ],
        "anon": [
            "/accounts/login/",
            "/accounts/password/reset/",
            f"/watch/unsubscribe/{watch_unsubscribe_token(office_watch)}/",
        ],
        "people": {"examiner": examiner, "clerk": clerk, "admin": admin},
    }
    node.stop()


def _our_page_names() -> set[str]:
    from django.urls import get_resolver

    def named(patterns):  # routes grouped under one prefix by include() count too
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from named(p.url_patterns)
            elif p.name:
                yield p.name

    names = {"home"}
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) in APPS:
            names |= {f"{pattern.namespace}:{name}" for name in named(pattern.url_patterns)}
    return names - NOT_PAGES - NOT_YET_CHECKED


def _wider_than_the_window(page) -> list[str]:
    """What sticks out of the window, for the failure message (empty when the page fits)."""
    return page.evaluate(
        """() => {
      const w = window.innerWidth, out = [];
      if (document.documentElement.scrollWidth <= w) return out;
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.right <= w + 0.5 || r.width === 0) continue;
        let p = el.parentElement, clipped = false;
        while (p) {
          if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) {
            clipped = true; break;
          }
          p = p.parentElement;
        }
        if (!clipped) out.push(`${el.tagName}.${el.className} right=${Math.round(r.right)}`);
      }
      return [`scrollWidth ${document.documentElement.scrollWidth}`, ...out.slice(0, 8)];
    }"""
    )


def test_every_page_fits_a_phone_and_the_header_folds_into_a_menu(
    browser, live_server, phone_world, shot
):
    checked: set[str] = set()
    problems: list[str] = []
    for role in ("anon", "examiner", "clerk", "admin"):
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anon":
            login(page, f"{role}@au.demo")
        for url in phone_world[role]:
            response = page.goto(url)
            assert response.ok, (url, response.status)
            page.wait_for_load_state("networkidle")
            if url.startswith("/documents/"):
                expect(page.get_by_test_id("pdf-viewer")).to_have_attribute("data-rendered", "true")
            wide = _wider_than_the_window(page)
            if wide:
                problems.append(f"{role} {url}: {wide}")
            path = page.url.split(live_server.url, 1)[1].split("?")[0]
            match = resolve(path)
            checked.add(match.view_name)
            slug = path.strip("/").replace("/", "-") or "home"
            shot(page, f"phone-{role}-{slug}")
        if role == "examiner":
            # The navigation hides behind Menu until asked for, then every link is reachable.
            nav = page.get_by_role("navigation", name="Main")
            expect(nav).to_be_hidden()
            page.get_by_test_id("menu-toggle").click()
            expect(nav.get_by_role("link", name="Search")).to_be_visible()
            assert not _wider_than_the_window(page)
            shot(page, "phone-examiner-menu-open")
        context.close()
    assert not problems, "\n".join(problems)
    unchecked = _our_page_names() - checked
    assert not unchecked, f"pages not checked at phone width: {sorted(unchecked)}"
