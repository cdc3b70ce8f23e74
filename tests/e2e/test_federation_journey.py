"""An AU examiner reads a CA report served by CA's own node; then CA's node is stopped and the
family page says so plainly, still listing what it last saw. A request CA's node fulfils links
its report (1280 and 390 px)."""

import datetime as dt
import zipfile

import pytest
from playwright.sync_api import expect

from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.e2e.helpers import login
from tests.federation.nodes import TOKEN, Node, application_put

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def ca_serving(demo_people, tmp_path, settings):
    from dossiers.services.applications import PriorityIn, application_upsert
    from offices.models import Office
    from offices.service_models import office_service_save

    settings.FEDERATION_CACHE_DIR = str(tmp_path / "fedcache")
    settings.FEDERATION_LIST_TTL = 0  # each visit asks the node, so stopping it shows at once
    root = tmp_path / "ca-node"
    root.mkdir()
    node = Node(office="CA", root=root, log=tmp_path / "ca-node.log").start()
    au_office, ca_office = Office.objects.get(code="AU"), Office.objects.get(code="CA")
    office_service_save(office=ca_office, mode="web_service", base_url=node.url, token=TOKEN)
    prio = [PriorityIn("AU", "AU 2021204567", dt.date(2021, 7, 1))]
    application_upsert(
        office=au_office,
        number="AU 2021204567",
        filing_date=dt.date(2021, 7, 1),
        title="Modular solar roof tile",
        published=True,
    )
    ca = application_upsert(
        office=ca_office,
        number="CA 3,180,220",
        filing_date=dt.date(2022, 6, 30),
        priorities=prio,
        title="Modular solar roof tile",
        published=True,
    )
    application_put(
        root,
        ca.key,
        [
            {
                "id": "sr1",
                "category": "office_action",
                "date": "2023-05-17",
                "pages": 2,
                "data": report_pdf_bytes(
                    "CIPO examiner's report: claims 1-9 lack novelty", pages=2
                ),
            }
        ],
    )
    yield {"ca": ca, "node": node}
    node.stop()


def test_au_examiner_reads_a_ca_report_from_cas_node_then_sees_it_go_down(page, ca_serving, shot):
    ca, node = ca_serving["ca"], ca_serving["node"]
    login(page, "examiner@au.demo")
    page.goto(f"/families/{ca.family_id}/")
    # CA's document in the family's one document table, served by CA's node.
    row = page.get_by_test_id("documents").get_by_role("row").filter(has_text="2023-05-17")
    expect(row.first).to_be_visible()
    expect(page.get_by_test_id("federation-notice")).to_have_count(0)
    row.first.get_by_role("link", name="View").click()
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true", timeout=30_000)
    expect(page.get_by_test_id("served-by")).to_contain_text("CA's own document service")
    assert node.calls("AU examiner /documents/") >= 1  # CA's audit names who read it
    shot(page, "federation-reader-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "federation-reader-390")

    # Ticked on the family page, CA's report goes into the ZIP like a deposited one.
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"/families/{ca.family_id}/")
    tick = row.first.get_by_role("checkbox")
    tick.check()
    shot(page, "federation-ticked-1280")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download selected (ZIP)").click()
    with zipfile.ZipFile(download.value.path()) as zf:
        assert sorted(zf.namelist()) == [
            "CA 3,180,220/Examination report - office action 2023-05-17.pdf",
            "index.pdf",
        ]
        assert (
            zf.read("CA 3,180,220/Examination report - office action 2023-05-17.pdf")[:5]
            == b"%PDF-"
        )
    page.set_viewport_size({"width": 390, "height": 844})
    expect(tick).to_be_visible()
    shot(page, "federation-ticked-390")

    node.stop()
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"/families/{ca.family_id}/")
    notice = page.get_by_test_id("federation-notice")
    expect(notice).to_contain_text("CA's service is not answering; list as of ")
    # The last list is still shown.
    expect(row.first).to_be_visible()
    shot(page, "federation-node-down-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(notice).to_be_visible()
    shot(page, "federation-node-down-390")


def test_a_request_fulfilled_by_cas_node_links_the_report_on_the_office_s_service(
    page, ca_serving, shot
):
    """The AU examiner asked CA for a written opinion; CA puts it on its own node; the beat's
    check of CA's service fulfils the request; the request page's "Fulfilled by" opens the
    report from CA's node (1280 and 390 px)."""
    from dossiers.federation import tracking
    from notifications.services import request_make
    from offices.models import User

    ca, node = ca_serving["ca"], ca_serving["node"]
    examiner = User.objects.get(email="examiner@au.demo")
    req, _outcome = request_make(user=examiner, application=ca, category="written_opinion")
    application_put(
        node.root,
        ca.key,
        [
            {"id": "sr1", "category": "office_action", "date": "2023-05-17", "pages": 2},
            {
                "id": "wo1",
                "category": "written_opinion",
                "date": "2023-09-04",
                "data": report_pdf_bytes("CIPO written opinion: claim 4 is inventive", pages=1),
            },
        ],
    )
    tracking.remote_changes_check(office=ca.office)  # what the beat task runs

    login(page, "examiner@au.demo")
    page.goto("/requests/?tab=made")
    page.get_by_test_id("request-table").get_by_role("link", name="CA 3,180,220").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Fulfilled")
    link = page.get_by_role("link", name="Written opinion of 2023-09-04")
    expect(link).to_have_attribute("href", f"/documents/remote/{ca.pk}/{ca.key}.wo1/")
    shot(page, "federation-request-fulfilled-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(page, "federation-request-fulfilled-390")

    link.click()
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true", timeout=30_000)
    expect(page.get_by_test_id("served-by")).to_contain_text("CA's own document service")
    assert node.calls(f"AU examiner /documents/{ca.key}.wo1/content") >= 1
    shot(page, "federation-request-fulfilled-reader-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    shot(page, "federation-request-fulfilled-reader-1280")
