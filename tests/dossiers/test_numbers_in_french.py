"""Numbers keep their one display form in every language: French never regroups the digits of a
patent number (no "3 000 001", no "13.926.335"), on the page or in the copy buttons."""

import pytest
from django.urls import reverse

from dossiers import numbers

pytestmark = pytest.mark.django_db


def test_family_page_in_french_shows_every_number_in_its_one_display_form(client, family_world):
    user = family_world["au_examiner"]
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)
    url = reverse("dossiers:family-detail", args=[family_world["us"].family_id])
    html = client.get(url).content.decode()
    assert "Famille de US 13/926,335" in html  # translated around the number, not inside it
    for app in ("us", "ep", "jp", "au"):
        shown = numbers.format_display(family_world[app].key)
        assert f"<strong>{shown}</strong>" in html
        assert f'data-copy="{shown}"' in html
    assert "13/926 335" not in html and "13/926.335" not in html


def test_search_results_in_french_keep_the_display_form(client, family_world):
    user = family_world["au_examiner"]
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.post(reverse("dossiers:search"), {"q": "us13926335", "list": "1"})
    html = response.content.decode()
    assert "<strong>US 13/926,335</strong>" in html
    assert "Famille de US 13/926,335" in html
