"""One world for the trust tests: three offices under a real access policy, their people, keys,
dossiers, requests, worklists and packages, built once per module.

The world lives inside an outer transaction that is rolled back when the module ends; each test's
own `db` transaction nests inside it as a savepoint, so tests can write freely and stay isolated.
"""

import datetime as dt
import tempfile
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from dossiers.models import Citation
from dossiers.services import merged_pdfs, packages, worklists
from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from notifications import services as notification_services
from notifications.models import Notification
from offices.models import ApiKey, Office, User
from offices.services import api_key_create
from stats.models import Action, StatisticsReport
from stats.services import usage_record
from tests.dossiers.pdf_samples import pdf_bytes

MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    offices: dict[str, Office]
    users: dict[str, User]
    keys: dict[str, str] = field(default_factory=dict)  # principal -> raw key
    key_rows: dict[str, ApiKey] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    # Text that identifies A's objects; which role may see which is decided by the tests.
    secrets: dict[str, str] = field(default_factory=dict)
    media_root: str = ""


ROLES = ("examiner", "clerk", "office_admin")


def _people(office: Office, tag: str) -> dict[str, User]:
    short = {"examiner": "examiner", "clerk": "clerk", "office_admin": "admin"}
    out = {}
    for role in ROLES:
        # No password: the tests log in with force_login (and hashing would only cost time).
        out[f"{tag}_{short[role]}"] = User.objects.create_user(
            email=f"{tag}-{short[role]}@{office.code.lower()}.test",
            office=office,
            role=role,
            first_name=f"{tag.upper()}{short[role].title()}",
            last_name=f"Person{office.code}",
        )
    return out


def build_world(media_root: str) -> World:
    a = Office.objects.create(code="CA", name="Office A (Canada)", shares_with_all=False)
    b = Office.objects.create(code="AU", name="Office B (Australia)")
    c = Office.objects.create(code="GB", name="Office C (United Kingdom)")
    a.shares_with.set([b])
    users = {**_people(a, "a"), **_people(b, "b"), **_people(c, "c")}
    users["operator"] = User.objects.create_superuser(
        email="operator@portal.test", first_name="Olga", last_name="Operator"
    )
    w = World(offices={"A": a, "B": b, "C": c}, users=users, media_root=media_root)

    a_pub = application_upsert(
        office=a,
        number="CA 3,000,001",
        filing_date=dt.date(2020, 2, 27),
        title="Folding bicycle hinge",
        applicants=["Acme Folding Ltd"],
        published=True,
    )
    a_pub2 = application_upsert(
        office=a, number="CA 3,000,002", filing_date=dt.date(2020, 3, 2), published=True
    )
    a_unpub = application_upsert(
        office=a,
        number="CA 3,000,003",
        filing_date=dt.date(2021, 1, 5),
        title="Quasar gearbox unpublished",
        applicants=["Zyxwv Hidden Holdings"],
        published=False,
    )
    b_pub = application_upsert(
        office=b, number="AU 2020123456", filing_date=dt.date(2020, 2, 28), published=True
    )
    # The watch exists before the upload, so the upload notifies its owner (A's examiner).
    watch, _ = notification_services.watch_save(
        user=users["a_examiner"],
        application=a_pub,
        scope="application",
        categories=(),
        direction="all",
        delivery="immediate",
    )
    doc_pub = document_add(
        application=a_pub,
        file=ContentFile(pdf_bytes(label="A published report"), name="a-pub.pdf"),
        category="search_report",
        date=dt.date(2021, 3, 1),
        code="ADOCPUB7781",
        uploaded_by=users["a_clerk"],
    )
    doc_unpub = document_add(
        application=a_unpub,
        file=ContentFile(pdf_bytes(label="A unpublished report"), name="a-unpub.pdf"),
        category="search_report",
        date=dt.date(2021, 6, 1),
        code="ADOCUNPUB5523",
        uploaded_by=users["a_clerk"],
    )
    doc_b = document_add(
        application=b_pub,
        file=ContentFile(pdf_bytes(label="B report"), name="b.pdf"),
        category="search_report",
        date=dt.date(2021, 4, 1),
        code="BDOC3390",
    )
    Citation.objects.create(document=doc_pub, npl_text="Nplquokka, J. Hinges 12", category="A")
    Citation.objects.create(document=doc_unpub, npl_text="Nplwombat, J. Gears 9", category="X")
    notification = Notification.objects.filter(user=users["a_examiner"], document=doc_pub).get()

    req, _ = notification_services.request_make(
        user=users["b_examiner"], application=a_pub2, message="Bmessage please send 4471"
    )

    wl = worklists.worklist_create(user=users["a_clerk"], name="Worklist Kestrel-A")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01\nCA 3000003;2026-12-02")
    entry = wl.entries.order_by("pk").first()
    package = packages.package_request(worklist=wl, user=users["a_clerk"])
    packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.state == "ready", package.error

    for tag, office in (("a", a), ("b", b), ("c", c)):
        for scope in ("access", "provide"):
            row, raw = api_key_create(
                office=office, name=f"Key {tag.upper()} {scope} Ibis", scopes=[scope]
            )
            w.keys[f"{tag}_{scope}"] = raw
            w.key_rows[f"{tag}_{scope}"] = row

    # D (NZ) left CASE: its person and its key, made while it took part, must stop (18.5).
    d = Office.objects.create(code="NZ", name="Office D (New Zealand, left)")
    users["d_examiner"] = User.objects.create_user(
        email="d-examiner@nz.test", office=d, role="examiner"
    )
    row, raw = api_key_create(office=d, name="Key D access Ibis", scopes=["access"])
    w.keys["d_access"], w.key_rows["d_access"] = raw, row
    d.is_active = False
    d.save(update_fields=["is_active"])
    w.offices["D"] = d

    # Usage: B reads A's report, A reads B's; statistics pages have rows to (not) show.
    for user, provider, app, doc in (
        (users["b_examiner"], a, a_pub, doc_pub),
        (users["a_examiner"], b, b_pub, doc_b),
    ):
        usage_record(
            action=Action.DOCUMENT_VIEW,
            user=user,
            provider_office=provider,
            application_id=app.pk,
            document_id=doc.pk,
        )
    usage_record(action=Action.SEARCH, user=users["c_examiner"], count=3)

    # A ready statistics PDF of A's admin: only its requester may download it.
    report = StatisticsReport(
        requested_by=users["a_admin"],
        office=a,
        state="ready",
        first_month=dt.date(2025, 1, 1),
        last_month=dt.date(2025, 12, 1),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    report.file.save("report.pdf", ContentFile(pdf_bytes(label="statistics")), save=False)
    report.save()

    # A's examiner's large one PDF of A's published family, built: only they may fetch it.
    merged = merged_pdfs.merged_pdf_request(
        user=users["a_examiner"],
        family_id=a_pub.family_id,
        documents=[doc_pub],
        heading=f"Reports of the family of {a_pub.display}",
        title="",
        file_name="family-merged.pdf",
    )
    merged = merged_pdfs.merged_pdf_build(merged_pdf_id=merged.pk)
    assert merged.state == "ready", merged.error

    w.objects = {
        "merged_pdf": merged,
        "report": report,
        "a_pub": a_pub,
        "a_pub2": a_pub2,
        "a_unpub": a_unpub,
        "b_pub": b_pub,
        "doc_pub": doc_pub,
        "doc_unpub": doc_unpub,
        "doc_b": doc_b,
        "watch": watch,
        "notification": notification,
        "request": req,
        "worklist": wl,
        "entry": entry,
        "package": package,
    }
    w.secrets = {
        "unpub_number": a_unpub.display,
        "unpub_title": a_unpub.title,
        "unpub_applicant": "Zyxwv Hidden Holdings",
        "unpub_doc_code": "ADOCUNPUB5523",
        "unpub_npl": "Nplwombat",
        "pub_doc_code": "ADOCPUB7781",
        "pub_npl": "Nplquokka",
        "worklist": "Worklist Kestrel-A",
        "request_message": "Bmessage please send 4471",
        "a_key_name": "Key A access Ibis",
        "a_provide_key_name": "Key A provide Ibis",
        "a_examiner_email": users["a_examiner"].email,
        "a_clerk_email": users["a_clerk"].email,
        "package_file": f"package-{package.pk}_CA",
    }
    return w


@pytest.fixture(scope="module")
def trust_world(django_db_setup, django_db_blocker):
    media = tempfile.TemporaryDirectory(prefix="trust-media-")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media.name, PASSWORD_HASHERS=MD5),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(media.name)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    media.cleanup()


@pytest.fixture(autouse=True)
def _world_media(request, _test_settings, settings):
    """Tests using the module world read its files from where they were stored."""
    if "trust_world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("trust_world").media_root
