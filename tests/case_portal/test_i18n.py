"""Languages: the catalogue is complete, the switch is remembered, the browser sets the default.

The catalogue check is what fails CI when a marked string has no French: it collects every
marked string of the sources into a copy of the catalogue (makemessages merges the existing
translations) and asks msgfmt for its statistics.
"""

import datetime as dt
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from offices.models import User
from tests.offices.factories import PASSWORD, UserFactory

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
# Languages with a catalogue (English is the source language).
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Only what makemessages reads: the sources, templates, scripts and the catalogues.
NOT_SOURCES = shutil.ignore_patterns(
    ".*", "__pycache__", "var", "tests", "bench", "docs", "vendor", "*.mo", "*.pdf", "*.png"
)


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """The catalogues as makemessages makes them from today's sources (in a copy of the tree)."""
    tree = tmp_path_factory.mktemp("i18n") / "tree"
    shutil.copytree(ROOT, tree, ignore=NOT_SOURCES, symlinks=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "case_portal.settings"}
    # As `make messages`: the demo's report texts are documents, not the interface.
    ignores = ["--ignore=dossiers/demo", "--ignore=templates/dossiers/demo"]
    for language in TRANSLATED:
        for domain in ("django", "djangojs"):
            subprocess.run(
                [sys.executable, "manage.py", "makemessages", "-l", language, "-d", domain]
                + ["--no-obsolete", *ignores],
                cwd=tree,
                env=env,
                check=True,
                capture_output=True,
            )
    return tree / "locale"


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_marked_string_has_a_translation_and_none_is_fuzzy(regenerated, language, domain):
    stats = _statistics(regenerated / language / "LC_MESSAGES" / f"{domain}.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{language}/{domain}.po after makemessages: {stats}. Run `make messages`, translate "
        "the new entries in locale/<language>/LC_MESSAGES/*.po, run it again and commit."
    )
    assert "translated message" in stats


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_catalogue_is_the_one_the_sources_make(regenerated, language, domain):
    # No entry for a string that no longer exists, none missing, and the .mo the portal loads
    # says what the .po says.
    def entries(po: Path) -> set[str]:
        text = subprocess.run(
            ["msgattrib", "--no-obsolete", "--no-location", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {line for line in text.splitlines() if line.startswith(("msgid", "msgctxt"))}

    committed = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    assert entries(committed) == entries(regenerated / language / "LC_MESSAGES" / f"{domain}.po")
    fresh = regenerated / f"{domain}.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(committed)], check=True)
    with fresh.open("rb") as a, (committed.with_suffix(".mo")).open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            f"{committed.with_suffix('.mo')} is stale: run `make messages` and commit it"
        )


# --- choosing the language -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_first_visit_speaks_the_browsers_language(client):
    page = client.get(reverse("account_login"), headers={"accept-language": "fr-CA,fr;q=0.9"})
    assert '<html lang="fr">' in page.content.decode()
    assert "Connexion au portail CASE" in page.content.decode()
    page = client.get(reverse("account_login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="en-gb">' in page.content.decode()
    assert "Log in to CASE Portal" in page.content.decode()


@pytest.mark.django_db
def test_the_switch_names_each_other_language_in_that_language(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="fr" class="link-button">Français</button>' in html
    assert ">English</button>" not in html  # the language already shown is not offered
    client.post(reverse("set_language"), {"language": "fr", "next": "/accounts/login/"})
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="en-gb" class="link-button">English</button>' in html


@pytest.mark.django_db
def test_switching_is_remembered_on_the_profile_and_wins_over_the_browser(client, examiner):
    client.force_login(examiner)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    examiner.refresh_from_db()
    assert examiner.language == "fr"

    # Another browser, asking for English, no cookie: the profile decides.
    other = client.__class__()
    other.force_login(examiner)
    page = other.get(reverse("dossiers:search"), headers={"accept-language": "en"})
    assert "Trouver une famille" in page.content.decode()
    # ... and the cookie follows, so the login page after logging out stays French.
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client, examiner):
    examiner.language = "fr"
    examiner.save()
    client.force_login(examiner)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    examiner.refresh_from_db()
    assert examiner.language == "fr"


@pytest.mark.django_db
def test_first_login_keeps_the_browsers_language_later_logins_keep_the_choice(client, office):
    user = UserFactory(office=office, email="new@ca.test", language="")

    def log_in_from_a_french_browser():
        client.post(
            reverse("account_login"),
            {"login": "new@ca.test", "password": PASSWORD},
            headers={"accept-language": "fr"},
        )
        user.refresh_from_db()

    log_in_from_a_french_browser()
    assert user.language == "fr"

    User.objects.filter(pk=user.pk).update(language="en-gb")
    client.post(reverse("account_logout"))
    log_in_from_a_french_browser()
    assert user.language == "en-gb"
    assert "Find a family" in client.get(reverse("dossiers:search")).content.decode()


@pytest.mark.django_db
def test_an_admin_who_must_still_set_up_mfa_can_switch_language(client, settings, admin_user):
    settings.REQUIRE_MFA = True
    client.force_login(admin_user)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("mfa_activate_totp")}
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    admin_user.refresh_from_db()
    assert admin_user.language == "fr"


@pytest.mark.django_db
def test_javascript_strings_come_in_the_page_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    catalog = client.get(reverse("javascript-catalog")).content.decode()
    assert "Copi\\u00e9" in catalog or "Copié" in catalog
    assert "Chargement" not in catalog  # server-side strings stay out of the JS catalogue


@pytest.mark.parametrize(
    ("language", "words"),
    [("en-gb", "4 December 2026"), ("fr", "4 décembre 2026")],
)
def test_dates_in_words_follow_the_language(language, words):
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 12, 4), "j F Y") == words
        # Tables keep ISO dates in every language.
        assert formats.date_format(dt.date(2026, 12, 4), "Y-m-d") == "2026-12-04"
