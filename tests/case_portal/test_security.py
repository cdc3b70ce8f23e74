"""Security headers, throttles and CSP-safe templates, checked with the production values.

The HTTPS-related settings are derived from the environment when settings.py is imported, so
they are read from a child process started as production starts (DJANGO_DEBUG=0), then applied
to the test client: what is asserted is what a browser would get from the deployed portal.
`check --deploy` itself is tested in test_settings.py.
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from offices.services import api_key_create
from tests.dossiers.pdf_samples import pdf_bytes
from tests.offices.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]
PRODUCTION_SETTINGS = [
    *HTTPS_SETTINGS,
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]
# Rendered by WeasyPrint into PDFs, never served to a browser: CSP does not apply to them.
PDF_TEMPLATES = (
    "dossiers/demo/",
    "dossiers/worklists/package_index.html",
    "dossiers/family_index.html",
    "stats/report.html",
    "stats/published.html",
)


def _settings_as_production_loads_them(**env_overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="s" * 30 + "9f$Kq!uZ2@pL7#wN4^rT6&yB1*mC3",
        ALLOWED_HOSTS="case.example.org",
        **env_overrides,
    )
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_values():
    # Production runs behind one TLS-terminating proxy, which the header below simulates.
    return _settings_as_production_loads_them(TRUSTED_PROXY_COUNT="1")


@pytest.fixture
def production(settings, production_values):
    """The test client behind the production settings; the TLS proxy is simulated by the header."""
    for name, value in production_values.items():
        if name == "SECURE_PROXY_SSL_HEADER" and value:
            value = tuple(value)
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["testserver"]
    return {"HTTP_X_FORWARDED_PROTO": "https"}


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def shared_document(office, examiner):
    app = application_upsert(
        office=office, number="CA 2,123,456", filing_date=dt.date(2013, 10, 11), published=True
    )
    return document_add(
        application=app,
        file=ContentFile(pdf_bytes(label="csp"), name="sr.pdf"),
        category="search_report",
        date=dt.date(2014, 1, 2),
        uploaded_by=examiner,
    )


# --- HTTPS, cookies, headers -------------------------------------------------------------------


def test_production_turns_on_hsts_and_secure_cookies_by_default_and_with_https_set(
    production_values,
):
    explicit = _settings_as_production_loads_them(DJANGO_HTTPS="1")
    for values in (production_values, explicit):
        assert values["DEBUG"] is False
        assert values["SECURE_SSL_REDIRECT"] is True
        assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
        assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
        assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
        assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert {k: explicit[k] for k in HTTPS_SETTINGS} == {
        k: production_values[k] for k in HTTPS_SETTINGS
    }


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_in_production(client, production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_pages_carry_hsts_nosniff_referrer_policy_and_refuse_framing(client, production):
    response = client.get("/accounts/login/", **production)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_cookies_are_secure_and_the_session_is_out_of_scripts_reach(
    client, production, examiner
):
    form = client.get("/accounts/login/", **production)
    assert form.cookies["csrftoken"]["secure"]
    response = client.post(
        "/accounts/login/", {"login": examiner.email, "password": PASSWORD}, **production
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_every_kind_of_page_forbids_inline_code_and_foreign_framing(
    client, production, examiner, shared_document
):
    client.force_login(examiner)
    family = shared_document.application.family_id
    urls = [
        "/",
        "/search/?q=CA2123456&list=1",
        f"/families/{family}/",
        f"/documents/{shared_document.pk}/",
        f"/documents/{shared_document.pk}/content?inline=1",
    ]
    for url in urls:
        response = client.get(url, **production)
        assert response.status_code == 200, url
        csp = _csp(response)
        assert csp["default-src"] == ["'self'"], url
        for directive in ("script-src", "style-src", "default-src"):
            values = csp.get(directive, csp["default-src"])
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:"} & set(values)
        assert csp["frame-ancestors"] in (["'self'"], ["'none'"]), url
        assert csp["object-src"] in (["'self'"], ["'none'"]), url
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], url


@pytest.mark.django_db
def test_pdf_viewer_may_frame_the_document_but_its_page_may_not_be_framed(
    client, production, examiner, shared_document
):
    client.force_login(examiner)
    viewer = client.get(f"/documents/{shared_document.pk}/", **production)
    content = client.get(f"/documents/{shared_document.pk}/content?inline=1", **production)
    assert viewer["X-Frame-Options"] == "DENY"
    assert content["X-Frame-Options"] == "SAMEORIGIN"
    assert _csp(viewer)["frame-ancestors"] == ["'none'"]
    assert _csp(content)["frame-ancestors"] == ["'self'"]
    assert content["X-Content-Type-Options"] == "nosniff"
    assert content["Content-Type"] == "application/pdf"
    assert content["Cache-Control"] == "private, no-store"
    assert b"".join(content.streaming_content).startswith(b"%PDF")


# --- throttles ---------------------------------------------------------------------------------


def _login(client, email, password, ip):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_failed_logins_from_one_address_lock_that_address_whatever_the_accounts(client, examiner):
    # Ten failures spread over ten accounts stay under the per-account limit (5 per 5 minutes)
    # but reach the per-address one (10 per minute): password spraying is stopped too.
    for i in range(10):
        response = _login(client, f"nobody{i}@ca.test", "wrong-password", "203.0.113.5")
        assert b"Too many" not in response.content
    refused = _login(client, examiner.email, PASSWORD, "203.0.113.5")
    assert b"Too many failed login attempts" in refused.content
    # A forged X-Forwarded-For does not buy a fresh address: no proxy is trusted by default.
    forged = client.post(
        "/accounts/login/",
        {"login": examiner.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert b"Too many failed login attempts" in forged.content
    assert client.get(reverse("home"), REMOTE_ADDR="203.0.113.5").status_code == 302
    # Colleagues elsewhere are not locked out by it.
    assert _login(client, examiner.email, PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_api_key_over_its_rate_gets_429_with_a_json_message_from_any_address(
    client, office, monkeypatch
):
    from case_portal.api.throttling import ApiKeyRateThrottle

    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "5/min"})
    application_upsert(office=office, number="CA 2,123,456", published=True)
    raw = api_key_create(office=office, name="batch", scopes=["access"])[1]
    statuses = []
    for i in range(6):
        # Moving between addresses does not help: the budget belongs to the key.
        response = client.get(
            "/api/v1/search?number=CA2123456",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            REMOTE_ADDR=f"192.0.2.{i + 1}",
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [429]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert "throttled" in body["message"].lower()
    assert int(response["Retry-After"]) > 0


# --- templates ---------------------------------------------------------------------------------

TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def _template_offences(path: Path, name: str) -> list[str]:
    text = path.read_text()
    found = []

    def where(match) -> str:
        return f"{name}:{text.count(chr(10), 0, match.start()) + 1}"

    found += [f"{where(m)} inline <script>" for m in INLINE_SCRIPT.finditer(text)]
    for tag in TAG.finditer(text):
        # Template tags inside an HTML tag ({% if %}…) are fine; attributes are what matter.
        if EVENT_HANDLER.search(tag.group()):
            found.append(f"{where(tag)} inline event handler")
        if STYLE_ATTRIBUTE.search(tag.group()):
            found.append(f"{where(tag)} style= attribute")
    if not name.startswith(PDF_TEMPLATES):
        found += [f"{where(m)} <style> element" for m in STYLE_ELEMENT.finditer(text)]
    return found


def test_templates_hold_no_inline_script_handler_or_style_that_csp_would_block():
    folder = ROOT / "templates"
    paths = sorted(folder.rglob("*.html"))
    assert len(paths) > 20  # the scan really looks at the templates
    offences = [o for p in paths for o in _template_offences(p, str(p.relative_to(folder)))]
    assert offences == []


def test_template_scan_recognises_what_csp_blocks(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<script>alert(1)</script>\n<script src="/static/js/ok.js" defer></script>\n'
        '<button type="button"\n  onclick="go()">x</button>\n<p style="color:red">y</p>\n'
        "<style>p{}</style>\n<p>onclick= in text is harmless</p>\n"
    )
    assert _template_offences(bad, "page.html") == [
        "page.html:1 inline <script>",
        "page.html:3 inline event handler",
        "page.html:5 style= attribute",
        "page.html:6 <style> element",
    ]
