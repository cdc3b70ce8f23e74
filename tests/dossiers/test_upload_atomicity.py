import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from dossiers.models import Document
from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from dossiers.signals import document_added
from tests.dossiers.pdf_samples import pdf_bytes

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def app(office):
    return application_upsert(office=office, number="CA 2,123,456", published=True)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _add(app, label="x"):
    return document_add(
        application=app,
        file=SimpleUploadedFile("r.pdf", pdf_bytes(label=label), "application/pdf"),
        category="search_report",
        date=dt.date(2014, 2, 3),
    )


def test_failure_after_the_file_is_stored_leaves_neither_row_nor_file(app, settings):
    def explode(**kwargs):
        # Runs after the file is in storage and the row is saved, before commit.
        raise Boom("receiver failed")

    document_added.connect(explode, dispatch_uid="boom", weak=False)
    try:
        with pytest.raises(Boom):
            _add(app)
    finally:
        document_added.disconnect(dispatch_uid="boom")
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


def test_failure_while_saving_the_row_removes_the_file(app, settings, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise Boom("database went away")

    monkeypatch.setattr(Document, "save", broken_save)
    with pytest.raises(Boom):
        _add(app)
    monkeypatch.undo()
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


def test_cleanup_removes_strays_of_a_rolled_back_transaction_and_keeps_real_files(app, settings):
    kept = _add(app, label="kept")
    with pytest.raises(Boom), transaction.atomic():
        _add(app, label="rolled back")
        raise Boom("the enclosing work failed after the upload")
    files = _stored_files(settings)
    assert len(files) == 2 and Document.objects.count() == 1

    out = io.StringIO()
    call_command("documents_cleanup", "--min-age-minutes", "0", stdout=out)
    assert "Found 1 stray" in out.getvalue() and len(_stored_files(settings)) == 2  # dry run

    call_command("documents_cleanup", "--delete", "--min-age-minutes", "0", stdout=out)
    assert [p.name for p in _stored_files(settings)] == [Path(kept.file.name).name]
    with kept.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_cleanup_leaves_young_files_alone(app, settings):
    with pytest.raises(Boom), transaction.atomic():
        _add(app)
        raise Boom
    call_command("documents_cleanup", "--delete", stdout=io.StringIO())
    assert len(_stored_files(settings)) == 1
