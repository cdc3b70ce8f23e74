"""Every page of the access matrix, in French: no English text from the catalogue left over.

For each URL pattern the first role the access table lets in opens the page with French as its
language (a signed-in person's profile; a cookie for anonymous visitors). The page's visible
text (text nodes, titles, labels, placeholders) must not contain the English of any catalogue
entry whose French differs: that would be a string marked in one place and left hard-coded
(or rendered outside the language) in another. A string never marked is caught by
test_i18n.py's catalogue check only once it is marked; this test catches the rest by example.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .test_access_matrix import ACCESS, CASES, PATTERNS, _kwargs, _query

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
# The role that opens each page: the first one the table lets in.
PREFERRED = (
    "a_examiner",
    "a_clerk",
    "a_admin",
    "operator",
    "b_examiner",
    "b_clerk",
    "b_admin",
    "c_examiner",
    "anon",
)
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%%")


def _english_probes(language: str = "fr") -> dict[str, str]:
    """English fragment -> its msgid, for every entry whose translation differs. A fragment is
    a run of text between placeholders, at least 4 characters, that the translation does not
    itself contain (so "Documents (%(n)s)" -> "Documents (%(n)s)" proves nothing)."""
    probes = {}
    for domain in ("django", "djangojs"):
        mo = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
        with mo.open("rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - the parsed entries
        for key, french in catalog.items():
            if not key:
                continue  # the header
            msgid = key[0] if isinstance(key, tuple) else key
            if "\x04" in msgid:
                msgid = msgid.split("\x04", 1)[1]  # context\x04msgid
            if isinstance(key, tuple) and key[1] != 0:
                continue  # plural forms: the singular stands for the entry
            if french == msgid:
                continue
            parts = PLACEHOLDER.split(msgid)
            for part in parts:
                part = part.strip(" .,:;()—–-·«»“”\"'")
                # A lone word cut out of a sentence ("from", "asked") is too common to prove
                # anything; a whole entry ("Open") or a run of words ("Request reports for") is.
                whole = len(parts) == 1 or " " in part
                if whole and len(part) >= 4 and re.search(r"[A-Za-z]{3}", part):
                    if part not in french:
                        probes[part] = msgid
    return probes


class _VisibleText(HTMLParser):
    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in self.ATTRIBUTES
                or (name == "value" and dict(attrs).get("type") in ("submit", "button"))
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def data_strings() -> list[str]:
    """Text people typed (titles, applicants, names, messages): English data is not English UI."""
    from dossiers.models import Application, Citation, Document, MergedPdf, Worklist
    from notifications.models import DocumentRequest, RequestJoin
    from offices.models import ApiKey, Office

    found: list[str] = []
    for title, applicants in Application.objects.values_list("title", "applicants"):
        found += [title, *applicants]
    found += Office.objects.values_list("name", flat=True)
    found += Worklist.objects.values_list("name", flat=True)
    found += Citation.objects.values_list("npl_text", flat=True)
    found += Document.objects.values_list("withdrawn_reason", flat=True)
    found += Document.objects.values_list("original_name", flat=True)
    found += DocumentRequest.objects.values_list("decline_reason", flat=True)
    found += RequestJoin.objects.values_list("message", flat=True)
    found += ApiKey.objects.values_list("name", flat=True)
    # A one-PDF job keeps the heading written in its asker's language when asked (stored data).
    found += MergedPdf.objects.values_list("heading", flat=True)
    return sorted({" ".join(t.split()) for t in found if t and t.strip()}, key=len, reverse=True)


def leftovers(text: str, probes: dict[str, str], data: list[str] = ()) -> list[str]:
    for typed in data:
        text = text.replace(typed, " ")
    return sorted(
        f"{english!r} (from {msgid!r})"
        for english, msgid in probes.items()
        if re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", text)
    )


def _french_client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "anon":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    else:
        user = world.users[role]
        user.language = "fr"  # the person's own choice (the row change is rolled back per test)
        user.save(update_fields=["language"])
        client.force_login(user)
    return client


def _page_cases() -> list[str]:
    cases = []
    for case in CASES:
        get = ACCESS.get(case, {}).get("GET")
        if get and any(get.get(role) == "ok" for role in PREFERRED):
            if not PATTERNS[case.split("@")[0]].startswith("api/"):
                cases.append(case)
    return cases


PROBES = _english_probes()


def test_the_probes_find_english_and_spare_french():
    # The detector itself: a page with an English catalogue string is caught, its French is not.
    assert "Find a family" in PROBES
    assert leftovers(visible_text("<h1>Find a family</h1>"), PROBES)
    assert not leftovers(visible_text("<h1>Trouver une famille</h1>"), PROBES)
    # Attributes count as visible text (a tooltip, a screen-reader label, a placeholder).
    assert leftovers(visible_text('<button aria-label="Previous page">‹</button>'), PROBES)
    assert not leftovers(visible_text("<script>gettext('Previous page')</script>"), PROBES)


@pytest.mark.parametrize("case", _page_cases())
def test_every_page_in_french_has_no_english_catalogue_string_left(trust_world, case):
    name, _, variant = case.partition("@")
    get = ACCESS[case]["GET"]
    role = next(r for r in PREFERRED if get.get(r) == "ok")
    url = reverse(name, kwargs=_kwargs(trust_world, PATTERNS[name], variant))
    query = _query(trust_world, name, variant)
    if query:
        url += "?" + urlencode(query)
    response = _french_client(trust_world, role).get(url, follow=True)
    assert response.status_code == 200, (url, role, response.status_code)
    if "text/html" not in response.get("Content-Type", ""):
        pytest.skip(f"{url} is not a page ({response['Content-Type']})")
    html = response.content.decode()
    assert '<html lang="fr"' in html, f"{url} as {role} was not rendered in French"
    left = leftovers(visible_text(html), PROBES, data_strings())
    assert not left, f"{url} as {role}, English left in the French page: {left}"


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/password/reset/", "/no-such-page/"],
)
def test_pages_outside_the_matrix_in_french_login_reset_and_not_found(path):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(path)
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert not leftovers(visible_text(html), PROBES), path
