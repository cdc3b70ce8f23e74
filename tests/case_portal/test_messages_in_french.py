"""Messages built in Python and the e-mail and PDF templates come out in French under a French
translation and in English otherwise; notices and e-mails follow the RECIPIENT's language
(whatever is active when they are built); patent numbers keep their one display form in both."""

import datetime as dt
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from dossiers import numbers
from dossiers.data import code_meaning
from dossiers.forms import ProvideListForm
from dossiers.services import packages, worklists
from notifications.models import Notification
from notifications.services.outbox import _email_for, in_language
from offices.services import user_language_set
from stats import exports, selectors
from stats.ledger import Period


def _filter_errors(data: dict) -> dict:
    form = ProvideListForm(data)
    assert not form.is_valid()
    return form.errors


def test_a_form_error_is_in_french_under_french_and_in_english_otherwise():
    data = {"filed_from": "2026-03-01", "filed_to": "2026-02-01"}
    assert _filter_errors(data)["filed_to"] == ["‘Filed to’ is before ‘Filed from’."]
    with translation.override("fr"):
        assert _filter_errors(data)["filed_to"] == [
            "«\u00a0Déposée jusqu’au\u00a0» précède «\u00a0Déposée depuis le\u00a0»."
        ]
    # A date in the wrong order: the ISO readings offered are the same in both languages.
    wrong = {"filed_from": "05/10/2012"}
    assert "write the date as YYYY-MM-DD (2012-10-05 or 2012-05-10)" in str(
        _filter_errors(wrong)["filed_from"]
    )
    with translation.override("fr"):
        assert "écrivez la date AAAA-MM-JJ (2012-10-05 ou 2012-05-10)" in str(
            _filter_errors(wrong)["filed_from"]
        )


def _why(text: str) -> str:
    with pytest.raises(numbers.InvalidNumber) as caught:
        numbers.normalise(text)
    return str(caught.value)


def test_a_number_parser_message_is_in_french_and_the_number_keeps_its_display_form():
    assert _why("EP 13844704.9") == (
        "‘EP 13844704.9’: the check digit is wrong: EP 13844704 has check digit 0, not 9."
    )
    with translation.override("fr"):
        assert _why("EP 13844704.9") == (
            "«\u00a0EP 13844704.9\u00a0»\u00a0: le chiffre de contrôle est faux\u00a0: "
            "EP 13844704 a le chiffre de contrôle 0, pas 9."
        )
        assert (
            _why("XX 123")
            == "«\u00a0XX 123\u00a0»\u00a0: «\u00a0XX\u00a0» n’est pas un code d’office connu."
        )
        # A good number reads the same whatever the language.
        assert numbers.normalise("ep13844704").display == "EP 13844704.0"
    assert _why("XX 123") == "‘XX 123’: ‘XX’ is not an office code we know."


def _package_ready_note(clerk) -> Notification:
    worklist = worklists.worklist_create(user=clerk, name="Semaine 49")
    worklists.worklist_lines_add(
        worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-01"
    )
    package = packages.package_request(worklist=worklist, user=clerk)
    packages.package_build(package_id=package.pk)
    return Notification.objects.get(user=clerk, kind="package_ready")


def _mail_to_recipient(note: Notification):
    # The sending path: the e-mail is written in its reader's language.
    with in_language(note.user):
        return _email_for(note)


@pytest.mark.django_db
def test_a_package_notice_and_email_are_in_the_recipients_language(world, docs):
    clerk = world["clerk"]
    user_language_set(user=clerk, language="fr")
    # Built while the portal (or a clerk's page) is in English: the French clerk still reads French.
    with translation.override("en"):
        note = _package_ready_note(clerk)
        mail = _mail_to_recipient(note)
    assert note.text.startswith("Le lot de la liste de travail «\u00a0Semaine 49\u00a0»")
    assert mail.subject == "[CASE] Lot prêt\u00a0: Semaine 49"
    assert "Liste de travail\u00a0:    Semaine 49" in mail.body
    assert "Téléchargez-le depuis le portail CASE\u00a0:" in mail.body


@pytest.mark.django_db
def test_a_package_email_to_an_english_reader_stays_english_under_french(world, docs):
    with translation.override("fr"):
        note = _package_ready_note(world["clerk"])
        mail = _mail_to_recipient(note)
    assert note.text.startswith("The package of worklist “Semaine 49”")
    assert mail.subject == "[CASE] Package ready: Semaine 49"


def _pdf_text(page) -> str:
    pdf = exports.pdf_render(page, generated=dt.date(2026, 4, 2))
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_statistics_pdf_headings_are_in_french_under_french(office):
    march = dt.date(2026, 3, 1)
    page = selectors.stats_page_get(office=office, period=Period(march, march))
    english = _pdf_text(page)
    assert "CASE Portal · usage statistics" in english
    assert "Monthly figures" in english and "March 2026" in english
    with translation.override("fr"):
        page = selectors.stats_page_get(office=office, period=Period(march, march))
        french = _pdf_text(page)
    assert "Portail CASE · statistiques d’utilisation" in french
    assert "Chiffres mensuels" in french and "mars 2026" in french
    assert "Monthly figures" not in french
    # The page footer too (a CSS page counter, not template text).
    assert "Page 1 of " in english
    assert "Page 1 sur " in french and "Page 1 of " not in french


def test_office_document_codes_read_in_french_and_fall_back_to_english():
    assert code_meaning("EP", "EESR") == "Extended European search report"
    with translation.override("fr"):
        assert code_meaning("EP", "EESR") == "Rapport de recherche européenne élargi"
        assert code_meaning("US", "isr") == "Rapport de recherche internationale"  # PCT code
        assert code_meaning("US", "NOPE") == ""
