import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from case_portal import jobs
from dossiers.services import packages, worklists
from dossiers.services.documents import document_correct, document_withdraw
from dossiers.tasks import package_build_task
from notifications.models import Notification, Watch
from notifications.services import watch_save
from offices.services import user_language_set
from stats.models import Action, UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_49(world, docs):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-01")
    return wl


def test_just_in_time_package_tells_the_clerk_in_the_app_and_by_one_email(
    client,
    week_49,
    world,
    smtp,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(dt.datetime(2026, 11, 17, 6, tzinfo=dt.UTC)):
        [package] = packages.packages_schedule()
        with django_capture_on_commit_callbacks(execute=True):
            package_build_task(package.pk)
    note = Notification.objects.get(user=world["clerk"], kind="package_ready")
    assert "Week 49" in note.text and "2026-12-01" in note.text
    assert smtp.subjects() == ["[CASE] Package ready: Week 49 (examinations of 2026-12-01)"]
    assert smtp.messages[0]["to"] == ["clerk@ca.test"]
    client.force_login(world["clerk"])
    page = client.get(reverse("notifications:notification-list"))
    assert "Week 49" in page.content.decode()
    opened = client.get(reverse("notifications:notification-open", args=[note.pk]))
    assert opened["Location"] == reverse("dossiers:worklist-detail", args=[week_49.pk])


def test_a_package_the_clerk_built_by_hand_is_noted_in_the_app_without_an_email(
    week_49,
    world,
    smtp,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    package = packages.package_request(worklist=week_49, user=world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        packages.package_build(package_id=package.pk)
    note = Notification.objects.get(user=world["clerk"], kind="package_ready")
    assert note.email == "none"
    assert smtp.messages == []


DUE = dt.datetime(2026, 11, 17, 6, tzinfo=dt.UTC)  # 14 days before the 2026-12-01 examinations


def _schedule_and_build(when):
    with time_machine.travel(when):
        made = packages.packages_schedule()
        for package in made:
            package_build_task(package.pk)
    return made


def test_a_top_up_notice_says_which_new_reports_arrived_for_which_of_my_applications(
    week_49, world, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _schedule_and_build(DUE)
    with time_machine.travel(DUE + dt.timedelta(days=2)):
        late = DocumentFactory(
            application=world["au"], category="office_action", date=dt.date(2026, 11, 19)
        )
    with django_capture_on_commit_callbacks(execute=True):
        [top_up] = _schedule_and_build(DUE + dt.timedelta(days=3))
    note = Notification.objects.get(user=world["clerk"], package=top_up)
    assert note.kind == "package_top_up"
    assert note.text == (
        "1 new report for the examination of CA 3,000,001 on 2026-12-01 arrived after the "
        "package of 2026-11-17 was built: AU 2020123456 examination report / office action of "
        "2026-11-19"
    )
    mail = smtp.to("clerk@ca.test")[-1]
    assert str(mail["subject"]).strip().startswith("[CASE] Top-up package: 1 new report for the")
    body = mail.get_content()
    assert (
        "For CA 3,000,001: AU 2020123456 examination report / office action of 2026-11-19" in body
    )
    assert "Examination: 2026-12-01" in body
    assert top_up.items.get().document == late


@pytest.fixture
def delivered(world, docs, django_capture_on_commit_callbacks):
    """A package of CA 3,000,001's foreign reports, built by the clerk and downloaded."""
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    with time_machine.travel(dt.datetime(2026, 11, 17, 15, tzinfo=dt.UTC)):
        package = packages.package_request(worklist=wl, user=world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.state == "ready" and package.items.count() == 3
    return package


def _zip_pdfs(package) -> list[str]:
    package.refresh_from_db()
    with default_storage.open(package.file.name, "rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    return archive, sorted(n for n in archive.namelist() if n.endswith(".pdf") and "/" in n)


def test_a_withdrawn_report_is_flagged_the_clerk_told_and_a_new_download_leaves_it_out(
    client, delivered, world, docs, smtp, django_capture_on_commit_callbacks
):
    old_file = delivered.file.name
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_withdraw(document=docs["au_sr"], reason="filed in error")
    note = Notification.objects.get(user=world["clerk"], kind="package_changed")
    assert note.text == (
        "The package of 2026-11-17 (\u201cWeek 49\u201d) contains AU 2020123456 search report of "
        "2021-03-01 for your CA 3,000,001, withdrawn on 2026-11-20 because filed in error. "
        "A new download leaves it out; take it off the file."
    )
    [mail] = [m for m in smtp.to("clerk@ca.test") if "changed" in m["subject"]]
    assert "withdrawn on 2026-11-20 because filed in error" in mail.get_content()

    # The package was made again at once: same reports, without the withdrawn one.
    assert not default_storage.exists(old_file)
    archive, pdfs = _zip_pdfs(delivered)
    assert delivered.state == "ready" and delivered.rebuilds == 1
    assert pdfs == [
        "CA3000001/US16-123456_US_office-action_2021-05-04.pdf",
        "CA3000001/US16-123456_US_search-report_2020-01-10.pdf",
    ]
    index = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read("index.pdf"))).pages
    )
    assert "withdrawn on 2026-11-20 because filed in error; left out of this package" in " ".join(
        index.split()
    )
    # Told once: no second "package ready", and the delivery is not counted twice.
    assert Notification.objects.filter(user=world["clerk"], kind="package_ready").count() == 1
    assert UsageEvent.objects.filter(action=Action.PACKAGE_BUILT).count() == 1

    client.force_login(world["clerk"])
    page = client.get(reverse("dossiers:worklist-detail", args=[delivered.worklist_id]))
    flag = page.content.decode()
    assert (
        "Contains AU 2020123456 search report of 2021-03-01 for CA 3,000,001, withdrawn on "
        "2026-11-20 because filed in error. A new download leaves it out." in flag
    )
    download = client.get(reverse("dossiers:package-download", args=[delivered.pk]))
    assert download.status_code == 200


def test_the_rebuilt_index_says_what_was_left_out_in_the_clerks_language(
    delivered, world, docs, django_capture_on_commit_callbacks
):
    user_language_set(user=world["clerk"], language="fr")
    # Withdrawn (and the package rebuilt) while the portal speaks English: the clerk reads French.
    with (
        translation.override("en"),
        time_machine.travel(dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_withdraw(document=docs["au_sr"], reason="déposé par erreur")
    archive, _pdfs = _zip_pdfs(delivered)
    pages = PdfReader(io.BytesIO(archive.read("index.pdf"))).pages
    index = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert (
        "AU 2020123456 rapport de recherche du 2021-03-01, retiré le 2026-11-20 pour le motif "
        "suivant : déposé par erreur ; exclu de ce lot." in index
    )
    assert "left out of this package" not in index


def test_a_clerk_who_also_watches_the_family_hears_of_a_withdrawal_once(
    delivered, world, docs, smtp, django_capture_on_commit_callbacks
):
    clerk = world["clerk"]
    watch_save(user=clerk, application=world["ca1"], scope=Watch.Scope.FAMILY)
    colleague = UserFactory(office=world["office"], email="examiner2@ca.test")
    watch_save(user=colleague, application=world["ca1"], scope=Watch.Scope.FAMILY)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document_withdraw(document=docs["au_sr"], reason="filed in error")
        document_correct(
            document=docs["us_sr"], category="search_report", date=dt.date(2020, 1, 12)
        )

    mine = list(Notification.objects.filter(user=clerk).exclude(kind="package_ready"))
    assert sorted(n.kind for n in mine) == ["package_changed", "package_changed"]
    assert len(smtp.to("clerk@ca.test")) == 2  # one e-mail per event, the package's
    # A watcher without the package still hears through the watch.
    assert sorted(Notification.objects.filter(user=colleague).values_list("kind", flat=True)) == [
        "document_corrected",
        "document_withdrawn",
    ]


def test_an_expired_package_is_flagged_only_and_the_clerk_told_to_take_it_off_the_file(
    delivered, world, docs, django_capture_on_commit_callbacks
):
    jobs.expire(packages.JOB, now=delivered.expires_at + dt.timedelta(seconds=1))
    with (
        time_machine.travel(dt.datetime(2026, 12, 20, 15, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_withdraw(document=docs["us_oa"], reason="wrong application")
    delivered.refresh_from_db()
    assert (delivered.state, delivered.rebuilds) == ("expired", 0)
    [change] = delivered.changes.all()
    assert change.kind == "withdrawn" and change.application == world["ca1"]
    note = Notification.objects.get(user=world["clerk"], kind="package_changed")
    assert note.text.endswith("because wrong application. Take it off the file.")


def test_a_corrected_report_is_flagged_and_the_new_download_has_the_corrected_name(
    delivered, world, docs, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(dt.datetime(2026, 11, 21, 15, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_correct(
            document=docs["us_sr"], category="search_report", date=dt.date(2020, 1, 12)
        )
    note = Notification.objects.get(user=world["clerk"], kind="package_changed")
    assert note.text == (
        "The package of 2026-11-17 (\u201cWeek 49\u201d) contains US 16/123,456 search report of "
        "2020-01-10 for your CA 3,000,001, corrected on 2026-11-21: date 2020-01-10 \u2192 "
        "2020-01-12. A new download has it corrected; correct it on the file."
    )
    _archive, pdfs = _zip_pdfs(delivered)
    assert "CA3000001/US16-123456_US_search-report_2020-01-12.pdf" in pdfs
    assert len(pdfs) == 3
    # A correction of something a reader does not see (the code) flags nothing.
    document_correct(
        document=docs["us_oa"], category="office_action", date=dt.date(2021, 5, 4), code="CTNF"
    )
    assert delivered.changes.count() == 1


def test_a_french_clerk_reads_the_change_in_french_on_the_notice_and_the_worklist(
    client, delivered, world, docs, django_capture_on_commit_callbacks
):
    clerk = world["clerk"]
    clerk.language = "fr"
    clerk.save(update_fields=["language"])
    with (
        time_machine.travel(dt.datetime(2026, 11, 21, 15, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_correct(
            document=docs["us_sr"], category="written_opinion", date=dt.date(2020, 1, 12)
        )
    note = Notification.objects.get(user=clerk, kind="package_changed")
    assert "US 16/123,456 rapport de recherche du 2020-01-10" in note.text
    assert (
        "corrigé le 2026-11-21\u00a0: date 2020-01-10 \u2192 2020-01-12, catégorie rapport de "
        in (note.text)
    )
    for english in ("search report", "corrected on", "category"):
        assert english not in note.text

    client.force_login(clerk)
    page = client.get(
        reverse("dossiers:worklist-detail", args=[delivered.worklist_id]),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    flag = page[page.index('data-testid="package-flag"') :][:600]
    assert "Corrigé" in flag and "rapport de recherche du 2020-01-10" in flag
    assert "search report" not in flag and "corrected on" not in flag


def test_a_report_withdrawn_while_its_package_is_being_built_is_flagged_and_left_out(
    world, docs, monkeypatch, django_capture_on_commit_callbacks
):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    package = packages.package_request(worklist=wl, user=world["clerk"])
    planned = packages.package_plan

    def plan_then_withdraw(**kwargs):
        # The AU report is withdrawn just after the build planned it, before the ZIP is done.
        plans = planned(**kwargs)
        if kwargs.get("only_documents") is None:
            document_withdraw(document=docs["au_sr"], reason="sent in error")
        return plans

    monkeypatch.setattr(packages, "package_plan", plan_then_withdraw)
    with django_capture_on_commit_callbacks(execute=True):
        packages.package_build(package_id=package.pk)
    _archive, pdfs = _zip_pdfs(package)
    assert (package.state, package.rebuilds) == ("ready", 1)
    assert not [p for p in pdfs if "AU2020123456" in p] and len(pdfs) == 2
    assert package.changes.get().document == docs["au_sr"]
    note = Notification.objects.get(user=world["clerk"], kind="package_changed")
    assert "AU 2020123456 search report of 2021-03-01" in note.text
    assert "because sent in error" in note.text


def test_a_report_corrected_while_its_package_is_being_built_is_flagged_and_made_again(
    world, docs, monkeypatch, django_capture_on_commit_callbacks
):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    package = packages.package_request(worklist=wl, user=world["clerk"])
    planned = packages.package_plan

    def plan_then_correct(**kwargs):
        # The US search report's date is corrected just after the build planned it.
        plans = planned(**kwargs)
        if kwargs.get("only_documents") is None:
            document_correct(
                document=docs["us_sr"], category="search_report", date=dt.date(2020, 1, 12)
            )
        return plans

    monkeypatch.setattr(packages, "package_plan", plan_then_correct)
    with django_capture_on_commit_callbacks(execute=True):
        packages.package_build(package_id=package.pk)
    _archive, pdfs = _zip_pdfs(package)
    # Made again at once: the file carries the corrected date, never the planned one.
    assert (package.state, package.rebuilds) == ("ready", 1)
    assert "CA3000001/US16-123456_US_search-report_2020-01-12.pdf" in pdfs and len(pdfs) == 3
    change = package.changes.get()
    assert (change.kind, change.document) == ("corrected", docs["us_sr"])
    assert (change.delivered_date, change.corrected_date) == (
        dt.date(2020, 1, 10),
        dt.date(2020, 1, 12),
    )
    note = Notification.objects.get(user=world["clerk"], kind="package_changed")
    assert "date 2020-01-10 \u2192 2020-01-12" in note.text


def test_a_correction_during_a_rebuild_is_flagged_once_and_the_package_made_again(
    delivered, world, docs, monkeypatch, django_capture_on_commit_callbacks
):
    planned = packages.package_plan
    corrected = []

    def plan_then_correct(**kwargs):
        # The rebuild after a withdrawal plans; then the US search report's date is corrected.
        plans = planned(**kwargs)
        if kwargs.get("only_documents") is not None and not corrected:
            corrected.append(
                document_correct(
                    document=docs["us_sr"], category="search_report", date=dt.date(2020, 1, 12)
                )
            )
        return plans

    monkeypatch.setattr(packages, "package_plan", plan_then_correct)
    with django_capture_on_commit_callbacks(execute=True):
        document_withdraw(document=docs["us_oa"], reason="wrong application")
    _archive, pdfs = _zip_pdfs(delivered)
    # The rebuild that planned the old date was not delivered: made once more, corrected.
    assert (delivered.state, delivered.rebuilds) == ("ready", 2)
    assert "CA3000001/US16-123456_US_search-report_2020-01-12.pdf" in pdfs and len(pdfs) == 2
    assert sorted(delivered.changes.values_list("kind", flat=True)) == ["corrected", "withdrawn"]
    texts = Notification.objects.filter(user=world["clerk"], kind="package_changed")
    assert sum("2020-01-10 \u2192 2020-01-12" in n.text for n in texts) == 1
