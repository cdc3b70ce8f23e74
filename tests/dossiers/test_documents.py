import pytest
from django.urls import reverse

from stats.models import UsageEvent

pytestmark = pytest.mark.django_db


def test_download_has_pdf_headers_and_the_number_as_shown_in_its_name(client, family_world):
    doc = family_world["docs"]["ep_sr"]
    client.force_login(family_world["au_examiner"])
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="EP13844704.0_EP_search-report_2014-03-01.pdf"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    event = UsageEvent.objects.get(action="document_download")
    assert (event.office.code, event.provider_office.code, event.document_id) == (
        "AU",
        "EP",
        doc.pk,
    )


def test_viewer_embeds_the_pdf_inline_from_the_same_origin(client, family_world):
    doc = family_world["docs"]["us_sr"]
    client.force_login(family_world["au_examiner"])
    page = client.get(reverse("dossiers:document-detail", args=[doc.pk]))
    assert page.status_code == 200
    assert f'data="/documents/{doc.pk}/content?inline=1"'.encode() in page.content
    inline = client.get(reverse("dossiers:document-content", args=[doc.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert page["X-Frame-Options"] == "DENY"
    assert UsageEvent.objects.filter(action="document_view").count() == 1
    assert not UsageEvent.objects.filter(action="document_download").exists()


def test_documents_are_never_served_to_anonymous_visitors(client, family_world):
    doc = family_world["docs"]["us_sr"]
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_missing_and_forbidden_documents_look_the_same(client, family_world):
    w = family_world
    w["us"].published = False
    w["us"].save()
    client.force_login(w["au_examiner"])
    forbidden = client.get(reverse("dossiers:document-content", args=[w["docs"]["us_sr"].pk]))
    missing = client.get(reverse("dossiers:document-content", args=[987654]))
    assert forbidden.status_code == missing.status_code == 404


def test_a_head_request_counts_no_use_and_makes_no_zip(client, family_world):
    """Link checkers, mail scanners and previews ask with HEAD: they have read nothing. The
    statistics count only what a GET delivered."""
    w = family_world
    client.force_login(w["au_examiner"])
    content = reverse("dossiers:document-content", args=[w["docs"]["ep_sr"].pk])
    family = reverse("dossiers:family-detail", args=[w["us"].family_id])
    zip_url = reverse("dossiers:family-documents-zip", args=[w["us"].family_id])
    head = client.head(content)
    assert head.status_code == 200 and head["Content-Type"] == "application/pdf"
    assert client.head(family).status_code == 200
    zipped = client.head(zip_url, {"office": "EP", "all": "1"})
    assert zipped.status_code == 200 and b"".join(zipped.streaming_content) == b""
    uses = UsageEvent.objects.exclude(action="login")
    assert not uses.exists()
    b"".join(client.get(content).streaming_content)
    client.get(family)
    b"".join(client.get(zip_url, {"office": "EP", "all": "1"}).streaming_content)
    assert sorted(uses.values_list("action", flat=True)) == [
        "document_download",
        "document_download",
        "document_download",
        "family_view",
    ]
