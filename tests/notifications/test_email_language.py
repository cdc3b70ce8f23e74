"""E-mails and in-app notices speak the recipient's language (their profile), not the uploader's
nor the server's: one upload, a French and an English watcher, each told in their own."""

import pytest
from django.utils import translation

from notifications.models import Notification, Watch
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def watchers(office, foreign_app):
    french = UserFactory(office=office, email="francoise@ca.test", language="fr")
    english = UserFactory(office=office, email="edward@ca.test", language="en-gb")
    for user in (french, english):
        Watch.objects.create(user=user, application=foreign_app)
    return french, english


def test_french_and_english_watchers_get_the_same_upload_each_in_their_language(
    smtp, watchers, clerk, foreign_app
):
    french, english = watchers
    # The uploader works in English: the language active while the rows are written must not
    # decide anyone else's.
    with translation.override("en-gb"):
        DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)

    # Through the real outbox (rows, on-commit task, claim, SMTP): one mail each.
    [fr_mail] = smtp.to("francoise@ca.test")
    [en_mail] = smtp.to("edward@ca.test")
    fr_body, en_body = fr_mail.get_content(), en_mail.get_content()
    assert "rapport de recherche" in fr_mail["subject"]
    assert "Rapport de recherche" in fr_body
    assert "search report" not in fr_mail["subject"] and "Search report" not in fr_body
    assert "search report" in en_mail["subject"]
    assert "Search report" in en_body
    assert "apport de recherche" not in en_mail["subject"] + en_body
    # The number keeps its one display form in both languages.
    assert "AU 2013123456" in fr_mail["subject"] and "AU 2013123456" in en_mail["subject"]

    # In the portal too: each row was written in its reader's language.
    assert "rapport de recherche" in Notification.objects.get(user=french).text
    assert "search report" in Notification.objects.get(user=english).text


def test_changing_language_changes_the_next_mails_not_the_ones_sent(
    smtp, watchers, clerk, foreign_app
):
    french, _english = watchers
    DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)
    french.language = "en-gb"
    french.save(update_fields=["language"])
    DocumentFactory(application=foreign_app, category="written_opinion", uploaded_by=clerk)

    first, second = smtp.to("francoise@ca.test")
    assert "rapport de recherche" in first["subject"]
    assert "written opinion" in second["subject"]


def test_a_person_who_never_chose_gets_the_portal_default(smtp, office, clerk, foreign_app):
    UserFactory(office=office, email="nobody-chose@ca.test", language="")
    Watch.objects.get_or_create(
        user=office.users.get(email="nobody-chose@ca.test"), application=foreign_app
    )
    with translation.override("fr"):  # whatever the sender's language
        DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)
    [mail] = smtp.to("nobody-chose@ca.test")
    assert "search report" in mail["subject"]


def test_an_invitation_is_written_in_the_language_of_the_admin_who_invited(smtp, office):
    from django.test.signals import template_rendered

    from offices.services import user_invite

    rendered_in = {}

    def record(sender, template, context, **kwargs):
        if template.name == "offices/email/invitation_message.txt":
            rendered_in[context["user"].email] = translation.get_language()

    template_rendered.connect(record)
    try:
        french = UserFactory(office=office, role="office_admin", email="chef@ca.test")
        french.language = "fr"
        french.save()
        user_invite(admin=french, office=office, email="recrue@ca.test", role="examiner")
        english = UserFactory(office=office, role="office_admin", email="boss@ca.test")
        user_invite(admin=english, office=office, email="recruit@ca.test", role="examiner")
    finally:
        template_rendered.disconnect(record)
    assert smtp.to("recrue@ca.test") and smtp.to("recruit@ca.test")
    assert rendered_in == {"recrue@ca.test": "fr", "recruit@ca.test": "en-gb"}
