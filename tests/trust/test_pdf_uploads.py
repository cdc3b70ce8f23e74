"""Issue 18 items 3 and 6: what an uploaded PDF may carry (no scripts, actions or attachments)
and how big it may unpack (page and decompression bombs)."""

import datetime as dt
import io
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add, pdf_inspect
from tests.dossiers.pdf_samples import pdf_bytes
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


def hostile_pdf() -> bytes:
    """A one-page PDF with every trick a browser's PDF viewer might run."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(label="hostile")))
    js = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('owned')"))
    )
    pdf.Root.OpenAction = js
    pdf.Root.AA = pikepdf.Dictionary(WC=js)
    attachment = pikepdf.AttachedFileSpec(pdf, b"MZ evil payload", filename="run.exe")
    pdf.attachments["run.exe"] = attachment
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), js]))
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=js)
    launch = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 100, 100]),
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
    )
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 100, 100, 200]),
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.test/")),
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([launch, link]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def ca_app(office):
    return application_upsert(
        office=office, number="CA 3,200,001", filing_date=dt.date(2021, 1, 4), published=True
    )


def _upload(app, data: bytes, name="report.pdf"):
    return document_add(
        application=app,
        file=SimpleUploadedFile(name, data, content_type="application/pdf"),
        category="search_report",
        date=dt.date(2022, 5, 1),
    )


def test_scripts_actions_and_attachments_are_removed_and_recorded_links_stay(ca_app):
    raw = hostile_pdf()
    for marker in (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile"):
        assert marker in raw
    doc = _upload(ca_app, raw)
    stored = doc.file.open("rb").read()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        assert len(pdf.attachments) == 0
        assert "/JavaScript" not in pdf.Root.Names
        page = pdf.pages[0].obj
        assert "/AA" not in page
        actions = [str(a.A.S) for a in page.Annots if "/A" in a]
        assert actions == ["/URI"]  # the ordinary link is kept
        # Nothing of the payloads is left anywhere in the file, compressed or not.
        for obj in pdf.objects:
            text = repr(obj) + (
                obj.read_bytes().decode("latin-1") if isinstance(obj, pikepdf.Stream) else ""
            )
            for marker in ("app.alert", "cmd.exe", "MZ evil payload", "/JavaScript"):
                assert marker not in text
    assert {"JavaScript", "OpenAction", "AA", "EmbeddedFiles", "Launch"} <= set(doc.removed_content)
    assert doc.pages == 1


def test_a_clean_pdf_is_stored_byte_for_byte(ca_app):
    raw = pdf_bytes(label="clean")
    doc = _upload(ca_app, raw)
    assert doc.file.open("rb").read() == raw
    assert doc.removed_content == []


def test_pdfs_are_served_sandboxed(client, office, ca_app):
    doc = _upload(ca_app, hostile_pdf())
    client.force_login(UserFactory(office=office, role="examiner", email="ex@ca.test"))
    for inline in ("1", "0"):
        response = client.get(
            reverse("dossiers:document-content", args=[doc.pk]), {"inline": inline}
        )
        assert response.status_code == 200
        directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
        assert "sandbox" in directives
        assert response["Cache-Control"] == "private, no-store"


def _pages_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_page_bomb_is_refused_with_a_clear_message(ca_app, settings):
    assert settings.UPLOAD_MAX_PAGES == 3000
    with pytest.raises(ValidationError, match="3,001 pages; the limit is 3,000"):
        _upload(ca_app, _pages_pdf(3001))
    assert ca_app.documents.count() == 0
    assert _upload(ca_app, _pages_pdf(3000)).pages == 3000


def _bomb_pdf(unpacked: int) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(label="bomb")))
    stream = pikepdf.Stream(pdf, zlib.compress(b"\0" * unpacked, 9))
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_with_a_clear_message(ca_app, settings):
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = 8 * 1024 * 1024
    bomb = _bomb_pdf(64 * 1024 * 1024)
    assert len(bomb) < 200_000  # small on the wire
    with pytest.raises(ValidationError, match="unpacks to more than 8 MB"):
        _upload(ca_app, bomb)
    assert ca_app.documents.count() == 0
    assert _upload(ca_app, _bomb_pdf(1024 * 1024)).pages == 1


def test_every_parser_fault_becomes_the_clear_message(monkeypatch):
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    def explode(self, *args, **kwargs):
        raise LimitReachedError("limit reached")

    monkeypatch.setattr(PdfReader, "__init__", explode)
    with pytest.raises(ValidationError, match="damaged or truncated and cannot be read"):
        pdf_inspect(io.BytesIO(pdf_bytes()))
