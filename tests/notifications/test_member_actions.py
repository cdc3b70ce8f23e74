"""The family page's actions on each member (notifications/templatetags/notifications.py:
member_actions): watch, the office's request, asking for documents, the queue waiting on it."""

import re

import pytest

from notifications import services
from notifications.models import Watch
from tests.dossiers.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _actions(client, app, **params) -> str:
    """The member actions cell of `app`'s row on its family page."""
    page = client.get(f"/families/{app.family_id}/", params).content.decode()
    row = page[page.index(f'<tr id="member-{app.pk}"') :]
    row = row[: row.index("</tr>")]
    return row[row.index('<div class="member-actions">') :]


def test_an_examiner_may_watch_a_member_and_ask_its_office_for_documents(
    client, examiner, foreign_app
):
    client.force_login(examiner)
    cell = _actions(client, foreign_app, view="extended")
    assert '<form method="post" action="/watch/quick/" class="inline">' in cell
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">', cell)
    assert f'<input type="hidden" name="application" value="{foreign_app.pk}">' in cell
    # Back to this very page, query string kept (escaped in the attribute), at the member's row.
    next_url = f"/families/{foreign_app.family_id}/?view=extended#member-{foreign_app.pk}"
    assert f'<input type="hidden" name="next" value="{next_url}">' in cell
    assert 'Watch<span class="visually-hidden"> AU 2013123456</span></button>' in cell
    assert (
        f'<a class="button small" href="/requests/new/?application={foreign_app.pk}">'
        'Request documents<span class="visually-hidden"> for AU 2013123456</span></a>'
    ) in cell
    DocumentFactory(application=foreign_app, category="search_report")
    assert "Ask for more<span" in _actions(client, foreign_app)


def test_a_watched_member_and_a_request_made_show_as_pills_in_english_and_french(
    client, examiner, foreign_app
):
    watch = Watch.objects.create(user=examiner, application=foreign_app, scope="family")
    request = services.request_make(user=examiner, application=foreign_app)[0]
    client.force_login(examiner)
    cell = _actions(client, foreign_app)
    assert f'<a class="pill pill-green" href="/watch/{watch.pk}/">Watching (family)</a>' in cell
    assert "<form" not in cell
    assert f'<a class="pill pill-blue" href="/requests/{request.pk}/">Requested: open</a>' in cell
    assert "Ask for more<span" in cell  # asked already: asking again is for more
    client.cookies["django_language"] = "fr"
    examiner.language = "fr"
    examiner.save(update_fields=["language"])
    cell = _actions(client, foreign_app)
    assert f'href="/watch/{watch.pk}/">Sous veille (famille)</a>' in cell
    assert f'href="/requests/{request.pk}/">Requête\u00a0: ' in cell
    assert '<span class="visually-hidden"> pour AU 2013123456</span>' in cell
    Watch.objects.filter(pk=watch.pk).update(scope="application")
    assert f'href="/watch/{watch.pk}/">Sous veille</a>' in _actions(client, foreign_app)


def test_the_providing_office_sees_the_open_requests_waiting_on_its_member(
    client, examiner, clerk, foreign_app
):
    services.request_make(user=examiner, application=foreign_app)
    client.force_login(clerk)
    cell = _actions(client, foreign_app)
    assert (
        '<a class="pill pill-amber" href="/requests/?tab=incoming&amp;state=active">'
        "1 open request</a>"
    ) in cell
    assert "/requests/new/" not in cell  # its own office: nothing to ask for
    clerk.language = "fr"
    clerk.save(update_fields=["language"])
    assert ">1 requête ouverte</a>" in _actions(client, foreign_app)
