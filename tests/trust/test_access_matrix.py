"""The access matrix: every URL of the portal and the API, requested as every kind of visitor.

Patterns come from the resolver, so a new view fails `test_every_url_pattern_has_a_row_in_the_
access_table` until it gets a row in ACCESS. Each row says, per role, what the visitor gets:

    "ok"     2xx, or a redirect that is not to the login page (a form answered, a file served)
    "login"  redirect to the login page (anonymous visitors of the portal)
    "404"    the same answer as for something that does not exist
    "401" / "403" / "405"   as the code says (API keys without scope, wrong method)

Every response, whatever its code, is also searched for text identifying A's objects that the
role may not see (FORBIDDEN below): zero leaks of documents, people, worklists, packages, request
queues and statistics rows.

The world (tests/trust/conftest.py): office A (CA) shares only with B (AU); C (GB) is excluded by
A's policy. URL arguments are filled with A's objects; rows named "<name>@unpublished" request
the same pattern with A's unpublished application and its document instead.
"""

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from notifications.services import watch_unsubscribe_token
from tests.dossiers.pdf_samples import pdf_bytes

pytestmark = pytest.mark.django_db

PORTAL_ROLES = (
    "anon",
    "a_examiner",
    "a_clerk",
    "a_admin",
    "b_examiner",
    "b_clerk",
    "b_admin",
    "c_examiner",
    "c_clerk",
    "c_admin",
    "operator",
    "d_examiner",  # a person of D, an office that left CASE (issue 18.5)
)
# API principals: no key, each office's access-scoped and provide-scoped key, and a logged-in
# office admin of A without a key (a browser session is no API credential).
API_ROLES = (
    "nokey",
    "session",
    "a_access",
    "a_provide",
    "b_access",
    "b_provide",
    "c_access",
    "c_provide",
    "d_access",  # a key of D, made before D left
)
GROUPS = {
    "a": ("a_examiner", "a_clerk", "a_admin"),
    "b": ("b_examiner", "b_clerk", "b_admin"),
    "c": ("c_examiner", "c_clerk", "c_admin"),
    "people": PORTAL_ROLES[1:-1],
    "staff": ("a_clerk", "a_admin", "b_clerk", "b_admin", "c_clerk", "c_admin"),
    "examiners": ("a_examiner", "b_examiner", "c_examiner"),
    "admins": ("a_admin", "b_admin", "c_admin"),
    "a_staff": ("a_clerk", "a_admin"),
    "bc_staff": ("b_clerk", "b_admin", "c_clerk", "c_admin"),
    "keys": API_ROLES[2:-1],
    "access_keys": ("a_access", "b_access", "c_access"),
    "provide_keys": ("a_provide", "b_provide", "c_provide"),
    "no_credential": ("nokey", "session"),
}


def expect(default: str, **by_role: str) -> dict[str, str]:
    """Expected outcome per role: `default`, then groups, then single roles (later wins)."""
    roles = API_ROLES if default.startswith("api:") else PORTAL_ROLES
    default = default.removeprefix("api:")
    out = dict.fromkeys(roles, default)
    for name, outcome in sorted(by_role.items(), key=lambda kv: kv[0] not in GROUPS):
        for role in GROUPS.get(name, (name,)):
            assert role in out, f"unknown role {role}"
            out[role] = outcome
    # An office that left: its person meets what an anonymous visitor meets, its key what no
    # key meets (the session and the key stop at once), unless a row says otherwise.
    if "d_examiner" in out and "d_examiner" not in by_role:
        out["d_examiner"] = out["anon"]
    if "d_access" in out and "d_access" not in by_role:
        out["d_access"] = out["nokey"]
    return out


# Shorthands for the common shapes (anonymous visitors of the portal always meet the login).
EVERYONE = expect("ok", anon="login")
NOT_GET = expect("405", anon="login")  # POST-only URLs
ADMINS = expect("404", anon="login", admins="ok")
A_ADMIN = expect("404", anon="login", a_admin="ok")
A_ADMIN_AND_OPERATOR = expect("404", anon="login", a_admin="ok", operator="ok")
A_EXAMINER = expect("404", anon="login", a_examiner="ok")
A_AND_OPERATOR = expect("404", anon="login", a="ok", operator="ok")
STAFF = expect("404", anon="login", staff="ok")
A_STAFF = expect("404", anon="login", a_staff="ok")
WORKLIST_STAFF = expect("ok", anon="login", examiners="404", operator="404")
A_WORKLIST = expect("404", anon="login", a_staff="ok")
API_READ = expect("api:403", no_credential="401", access_keys="ok")
API_READ_A_ONLY = expect("api:403", no_credential="401", access_keys="404", a_access="ok")
API_READ_DOC = expect("api:403", no_credential="401", access_keys="ok", c_access="404")
API_WRITE_A_NUMBER = expect("api:403", no_credential="401", provide_keys="400", a_provide="ok")
API_WRITE_A_DOC = expect("api:403", no_credential="401", provide_keys="404", a_provide="ok")


def portal(get: dict, post: dict | None = None) -> dict:
    return {"GET": get, **({"POST": post} if post else {})}


# --- the table --------------------------------------------------------------------------------

ACCESS: dict[str, dict[str, dict[str, str]]] = {
    # Portal-wide
    "home": portal(EVERYONE),
    # The first-visit page (issue 18.15): every signed-in person, for their own role.
    "offices:welcome": portal(EVERYONE),
    "healthz": portal(expect("ok")),
    # The language switch and the JavaScript strings serve everyone, the login page included.
    "set_language": portal(expect("405"), expect("ok")),
    "javascript-catalog": portal(expect("ok")),
    "signup-closed": portal(expect("404"), expect("404")),
    # Signed in but not staff: 403, not a loop between the two logins (issue 18.12).
    "admin-login": portal(expect("403", anon="login", operator="ok")),
    # Office admin pages: only the admin of one's own office; A's people and keys are 404 to
    # every other office's admin. (405 on a POST-only URL is given before any lookup.)
    "offices:user-list": portal(ADMINS, ADMINS),
    "offices:user-invite": portal(ADMINS, ADMINS),
    "offices:user-detail": portal(A_ADMIN, A_ADMIN),
    "offices:user-set-active": portal(expect("404", anon="login", admins="405"), A_ADMIN),
    "offices:api-key-list": portal(ADMINS, ADMINS),
    "offices:api-key-revoke": portal(expect("404", anon="login", admins="405"), A_ADMIN),
    "offices:access-policy": portal(ADMINS, ADMINS),
    "offices:request-contacts": portal(ADMINS, ADMINS),
    # Each admin edits their own office's settings (there is no other office's to reach).
    "offices:office-settings": portal(ADMINS, ADMINS),
    # Examiner pages. A's published family is visible to C too (applications are public once
    # published), but A's documents in it are not: C gets the family without them.
    "dossiers:search": portal(EVERYONE),
    "dossiers:search@unpublished": portal(EVERYONE),
    "dossiers:number-permalink": portal(EVERYONE),
    "dossiers:number-permalink@unpublished": portal(A_AND_OPERATOR),
    "dossiers:family-detail": portal(EVERYONE),
    "dossiers:family-detail@unpublished": portal(A_AND_OPERATOR),
    "dossiers:family-documents-zip": portal(EVERYONE),
    "dossiers:family-documents-zip@unpublished": portal(A_AND_OPERATOR),
    # GET merges (or offers to build a large one); POST asks for the build.
    "dossiers:family-documents-pdf": portal(EVERYONE, EVERYONE),
    "dossiers:family-documents-pdf@unpublished": portal(A_AND_OPERATOR, A_AND_OPERATOR),
    # A large one PDF (built by a task) is its requester's alone (A's examiner).
    "dossiers:merged-pdf": portal(A_EXAMINER, NOT_GET),
    "dossiers:merged-pdf-retry": portal(NOT_GET, A_EXAMINER),
    "dossiers:merged-pdf-status": portal(A_EXAMINER, NOT_GET),
    "dossiers:merged-pdf-download": portal(A_EXAMINER, NOT_GET),
    "dossiers:document-detail": portal(expect("ok", anon="login", c="404")),
    "dossiers:document-detail@unpublished": portal(A_AND_OPERATOR),
    "dossiers:document-content": portal(expect("ok", anon="login", c="404")),
    "dossiers:document-content@unpublished": portal(A_AND_OPERATOR),
    # A deposits its documents, so no one finds a federated one (tests/federation covers those).
    "dossiers:remote-document-detail": portal(expect("404", anon="login")),
    "dossiers:remote-document-content": portal(expect("404", anon="login")),
    # Providing pages: clerks and admins of a providing office, for its own data only.
    "dossiers:upload-home": portal(STAFF),
    "dossiers:provide-application-create": portal(STAFF, STAFF),
    "dossiers:provide-application": portal(A_STAFF),
    "dossiers:provide-application@unpublished": portal(A_STAFF),
    "dossiers:provide-application-edit": portal(A_STAFF, A_STAFF),
    "dossiers:provide-document-upload": portal(A_STAFF, A_STAFF),
    "dossiers:provide-document-edit": portal(A_STAFF, A_STAFF),
    "dossiers:provide-document-edit@unpublished": portal(A_STAFF),
    "dossiers:provide-document-withdraw": portal(expect("404", anon="login", staff="405"), A_STAFF),
    "dossiers:provide-document-citations": portal(A_STAFF, A_STAFF),
    # Worklists and packages: clerks and admins of the worklist's office; everyone else gets
    # the same 404 as for a missing worklist.
    "dossiers:worklist-list": portal(WORKLIST_STAFF, WORKLIST_STAFF),
    "dossiers:worklist-detail": portal(A_WORKLIST),
    "dossiers:worklist-lines-add": portal(NOT_GET, A_WORKLIST),
    "dossiers:worklist-entry-remove": portal(NOT_GET, A_WORKLIST),
    "dossiers:worklist-entry-redate": portal(NOT_GET, A_WORKLIST),
    "dossiers:worklist-entry-request": portal(NOT_GET, A_WORKLIST),
    "dossiers:package-create": portal(NOT_GET, A_WORKLIST),
    "dossiers:package-status": portal(A_WORKLIST, NOT_GET),
    "dossiers:package-download": portal(A_WORKLIST, NOT_GET),
    "dossiers:package-retry": portal(NOT_GET, A_WORKLIST),
    # Watches and notifications belong to one person (A's examiner).
    "notifications:watch-list": portal(EVERYONE, EVERYONE),
    "notifications:watch-quick": portal(NOT_GET, EVERYONE),
    "notifications:watch-quick@unpublished": portal(NOT_GET, A_AND_OPERATOR),
    "notifications:watch-edit": portal(A_EXAMINER, A_EXAMINER),
    "notifications:watch-delete": portal(NOT_GET, A_EXAMINER),
    # The signed token is the credential (one-click from the mail client, no session).
    "notifications:watch-unsubscribe": portal(expect("ok"), expect("ok")),
    "notifications:notification-list": portal(EVERYONE),
    # Everyone's own notification settings (no other person's can be named).
    "notifications:settings": portal(EVERYONE, EVERYONE),
    "notifications:notification-read-all": portal(NOT_GET, EVERYONE),
    "notifications:notification-open": portal(A_EXAMINER),
    "notifications:notification-read": portal(NOT_GET, A_EXAMINER),
    # Document requests: B asked A. Seen by the requesting office and A's clerks and admins;
    # only A's clerks and admins change it. The form answers anyone (it refuses own-office and
    # office-less requesters with a message); for an unpublished application it is 404.
    "notifications:request-list": portal(EVERYONE),
    "notifications:request-new": portal(EVERYONE, EVERYONE),
    "notifications:request-new@unpublished": portal(A_AND_OPERATOR, A_AND_OPERATOR),
    "notifications:request-detail": portal(
        expect("404", anon="login", a_staff="ok", b="ok", operator="ok"), A_STAFF
    ),
    # Statistics of A (?office=CA): A's admin and operators only.
    "stats:statistics": portal(A_ADMIN_AND_OPERATOR),
    "stats:statistics-pdf": portal(A_ADMIN_AND_OPERATOR),
    # Large PDF reports are queued for A's statistics by A's admin or an operator, and a ready
    # report is downloaded only by the person who asked for it.
    "stats:report-request": portal(NOT_GET, A_ADMIN_AND_OPERATOR),
    "stats:report-download": portal(A_ADMIN),
    "stats:access-log": portal(A_ADMIN_AND_OPERATOR),
    "stats:access-log-csv": portal(A_ADMIN_AND_OPERATOR),
    "stats:statistics-csv": portal(A_ADMIN_AND_OPERATOR),
    "stats:office-users": portal(ADMINS),  # every office admin, each its own office's people
    "stats:office-users-csv": portal(ADMINS),
    "stats:office-users-pdf": portal(ADMINS),
    "stats:published": portal(expect("404", anon="login", operator="ok")),
    # The API's description is public (it describes, it holds no data).
    "api-schema": portal(expect("ok"), expect("405")),
    "api-docs": portal(expect("ok"), expect("405")),
    # API: A's published application and report, or (@unpublished) A's unpublished ones. Reads
    # need the access scope, writes the provide scope, and a provide key writes only its own
    # office's data (B's and C's keys: 404 for A's application, 400 for A's number).
    "v1:me": {"GET": expect("api:ok", no_credential="401")},
    "v1:search": {"GET": API_READ},
    "v1:search@unpublished": {"GET": API_READ_A_ONLY},
    "v1:family": {"GET": API_READ},
    "v1:family@unpublished": {"GET": API_READ_A_ONLY},
    "v1:application": {"GET": API_READ},
    "v1:application@unpublished": {"GET": API_READ_A_ONLY},
    "v1:application-citations": {"GET": API_READ},
    "v1:application-citations@unpublished": {"GET": API_READ_A_ONLY},
    "v1:application-documents": {
        "GET": API_READ,
        "POST": expect("api:403", no_credential="401", provide_keys="404", a_provide="ok"),
    },
    "v1:application-documents@unpublished": {"GET": API_READ_A_ONLY},
    "v1:application-create": {"POST": API_WRITE_A_NUMBER},
    "v1:application-bulk": {"POST": expect("api:403", no_credential="401", provide_keys="ok")},
    "v1:document": {"GET": API_READ_DOC, "DELETE": API_WRITE_A_DOC},
    "v1:document@unpublished": {"GET": API_READ_A_ONLY},
    "v1:document-content": {"GET": API_READ_DOC},
    "v1:document-content@unpublished": {"GET": API_READ_A_ONLY},
    # A deposits: the list is empty for every reader, a federated document is found by no one.
    "v1:application-remote-documents": {"GET": API_READ},
    "v1:application-remote-documents@unpublished": {"GET": API_READ_A_ONLY},
    "v1:remote-document-content": {
        "GET": expect("api:403", no_credential="401", access_keys="404")
    },
    "v1:document-citations": {"POST": API_WRITE_A_DOC},
}


# Text identifying A's objects, and the roles that may see it (everyone else: never, in no
# response). Operators see everything; the requesting office B sees its own request.
A_PEOPLE = ("a_examiner", "a_clerk", "a_admin", "operator")
VISIBLE_TO = {
    "unpub_title": A_PEOPLE + ("a_access",),
    "unpub_applicant": A_PEOPLE + ("a_access",),
    "unpub_doc_code": A_PEOPLE + ("a_access",),
    "unpub_npl": A_PEOPLE + ("a_access",),
    "unpub_number": A_PEOPLE + ("a_access",),
    "pub_doc_code": A_PEOPLE + GROUPS["b"] + ("a_access", "b_access"),
    "pub_npl": A_PEOPLE + GROUPS["b"] + ("a_access", "b_access"),
    "worklist": ("a_clerk", "a_admin"),
    "package_file": ("a_clerk", "a_admin"),
    "request_message": ("a_clerk", "a_admin", "operator") + GROUPS["b"],
    "a_key_name": ("a_admin",),
    "a_provide_key_name": ("a_admin",),
    "a_examiner_email": ("a_examiner", "a_admin"),
    "a_clerk_email": ("a_clerk", "a_admin"),
}
# Where the visitor's own input is echoed back (the number typed into a search or put in the
# URL: "No application CA 3,000,003 visible to this key", the same for a missing one), that
# number is no leak; the other identifying text still is.
ECHOES_NUMBER = {
    "dossiers:search",
    "dossiers:number-permalink",
    "v1:search",
    "v1:application",
    "v1:application-documents",
    "v1:application-citations",
    "v1:application-remote-documents",
}


def _walk(resolver, prefix="", namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p, prefix + str(p.pattern), full)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def url_patterns() -> dict[str, str]:
    """name -> route of every pattern we own (allauth's own pages and the admin apart)."""
    out = {}
    for route, name, pattern in _walk(get_resolver()):
        module = getattr(pattern.callback, "__module__", "") or ""
        # allauth's own pages, and the Django admin (test_ops_admin_is_for_operators_only).
        if module.startswith("allauth.") or (route.startswith("ops/") and name != "admin-login"):
            continue
        assert name, f"URL pattern {route!r} has no name, so it cannot be in the access table"
        out[name] = route
    return out


PATTERNS = url_patterns()
CASES = sorted(PATTERNS) + sorted(k for k in ACCESS if "@" in k and k.split("@")[0] in PATTERNS)


# --- filling in the requests ------------------------------------------------------------------


def _kwargs(world, route: str, variant: str) -> dict:
    o = world.objects
    app = o["a_unpub"] if variant == "unpublished" else o["a_pub"]
    doc = o["doc_unpub"] if variant == "unpublished" else o["doc_pub"]
    values = {
        "user_id": world.users["a_examiner"].pk,
        "key_id": world.key_rows["a_access"].pk,
        "family_id": app.family_id,
        "document_id": doc.pk,
        "application_id": app.pk,
        "worklist_id": o["worklist"].pk,
        "entry_id": o["entry"].pk,
        "package_id": o["package"].pk,
        "watch_id": o["watch"].pk,
        "notification_id": o["notification"].pk,
        "request_id": o["request"].pk,
        "report_id": o["report"].pk,
        "merged_pdf_id": o["merged_pdf"].pk,
        "table": "monthly",
        "office": "CA",
        "number": app.key,
        "spelling": app.display,
        "token": watch_unsubscribe_token(o["watch"]),
    }
    return {k: values[k] for k in RoutePattern(route).converters}


def _query(world, name: str, variant: str) -> dict:
    o = world.objects
    if name.startswith("stats:"):
        return {"office": "CA"}
    if name == "dossiers:search":
        return {"q": o["a_unpub"].display if variant else "CA 3,000,001\nCA 3,000,003"}
    if name == "v1:search":
        return {"number": o["a_unpub"].display if variant else o["a_pub"].display}
    if name == "notifications:request-new":
        return {"application": (o["a_unpub"] if variant else o["a_pub2"]).pk}
    if name == "dossiers:document-content":
        return {"inline": "1"}
    return {}


def _post_data(world, name: str, variant: str) -> dict:
    """Valid data where the form has required fields: the write is real (and rolled back)."""
    o = world.objects
    target = o["a_unpub"] if variant == "unpublished" else o["a_pub2"]
    return {
        "offices:user-invite": {"email": "new@ca.test", "role": "examiner"},
        "stats:report-request": {"office": "CA", "start": "2024-01", "end": "2025-12"},
        "offices:user-detail": {"role": "clerk"},
        "offices:user-set-active": {"active": "0"},
        "offices:api-key-list": {"name": "New key", "scopes": ["access"]},
        "offices:access-policy": {"shares_with_all": "1"},
        "offices:request-contacts": {"request_inbox": ""},
        "offices:office-settings": {"worklist_date_order": "dmy", "package_lead_days": "10"},
        "notifications:settings": {"delivery": "digest"},
        "dossiers:provide-application-create": {"number": "3000009", "status": "filed"},
        "dossiers:provide-application-edit": {"number": "3000001", "status": "filed"},
        "dossiers:provide-document-upload": {
            "files": SimpleUploadedFile(
                "new.pdf", pdf_bytes(label="matrix upload"), "application/pdf"
            ),
            "category": "office_action",
            "date": "2024-01-02",
            "language": "en",
            "direction": "outgoing",
        },
        "dossiers:provide-document-edit": {
            "category": "search_report",
            "date": "2021-03-01",
            "code": "ADOCPUB7781",
            "language": "en",
            "direction": "outgoing",
        },
        "dossiers:provide-document-withdraw": {"reason": "Replaced"},
        "dossiers:provide-document-citations": {"npl_text": "Some paper", "category": "A"},
        "dossiers:worklist-list": {"name": "New list", "text": "CA 3000002;2026-12-03"},
        "dossiers:worklist-lines-add": {"text": "CA 3000002;2026-12-03", "date_order": "dmy"},
        "notifications:watch-list": {
            "number": o["a_pub"].display,
            "scope": "application",
            "direction": "all",
            "delivery": "immediate",
        },
        "notifications:watch-quick": {"application": target.pk},
        "notifications:watch-edit": {"scope": "family", "direction": "all", "delivery": "digest"},
        "notifications:request-new": {"application": target.pk, "message": "Please"},
        "notifications:request-detail": {"state": "acknowledged"},
    }.get(name, {})


API_WRITES = {
    "v1:application-create": ("POST", lambda w: {"number": "CA 3,000,001", "title": "Hinge"}),
    "v1:application-bulk": ("POST", lambda w: {"applications": [{"number": "CA 3,000,001"}]}),
    "v1:document-citations": ("POST", lambda w: {"npl_text": "A paper", "category": "A"}),
    "v1:document": ("DELETE", lambda w: {"reason": "Replaced"}),
    "v1:application-documents": (
        "POST",
        lambda w: {
            "file": SimpleUploadedFile("api.pdf", pdf_bytes(label="api upload"), "application/pdf"),
            "category": "office_action",
            "date": "2024-01-02",
        },
    ),
}


def _clients(world) -> dict[str, Client]:
    clients = {}
    for role in PORTAL_ROLES:
        clients[role] = Client(raise_request_exception=False)
        if role != "anon":
            clients[role].force_login(world.users[role])
    for role in API_ROLES:
        if role == "nokey":
            clients[role] = Client(raise_request_exception=False)
        elif role == "session":
            clients[role] = clients["a_admin"]
        else:
            clients[role] = Client(
                raise_request_exception=False,
                headers={"authorization": f"Bearer {world.keys[role]}"},
            )
    return clients


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303) and response["Location"].startswith("/accounts/login/"):
        return "login"
    if 200 <= code < 400:
        return "ok"
    return str(code)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return data.decode("utf-8", "replace") + "\n" + headers


def _request(client, method: str, url: str, data, *, api: bool):
    """One request whose writes are rolled back, so every role meets the same world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api and method == "POST" and not any(hasattr(v, "read") for v in data.values()):
            response = client.post(url, json.dumps(data), content_type="application/json")
        elif method == "POST":
            response = client.post(url, data or {})
        else:  # DELETE: its reason as a JSON body
            response = client.generic(
                method, url, json.dumps(data or {}), content_type="application/json"
            )
        body = _body(response)
        transaction.set_rollback(True)
    return response, body


def _leaks(world, name: str, role: str, body: str) -> list[str]:
    found = []
    for what, allowed in VISIBLE_TO.items():
        if role in allowed or (what == "unpub_number" and name in ECHOES_NUMBER):
            continue
        text = world.secrets[what]
        if text in body:
            found.append(f"{what} ({text!r})")
    return found


def _run(world, case: str) -> tuple[list[str], dict]:
    name, _, variant = case.partition("@")
    route = PATTERNS[name]
    api = route.startswith("api/v1/")
    roles = API_ROLES if api else PORTAL_ROLES
    methods = ACCESS.get(case)
    assert methods is not None, (
        f"URL pattern {name!r} ({route}) has no row {case!r} in ACCESS: declare what every "
        "role gets from it."
    )
    url = reverse(name, kwargs=_kwargs(world, route, variant))
    query = _query(world, name, variant)
    if query:
        url += "?" + urlencode(query)
    clients = _clients(world)
    failures, seen = [], {}
    for method, table in methods.items():
        assert set(table) == set(roles), f"{case} {method}: roles {sorted(set(roles) ^ set(table))}"
        for role in roles:
            # Fresh data per request: an upload's file is read once.
            if api and method != "GET":
                data = API_WRITES[name][1](world)
            else:
                data = _post_data(world, name, variant) if method == "POST" else None
            response, body = _request(clients[role], method, url, data, api=api)
            got = outcome(response)
            seen[(method, role)] = got
            if got != table[role]:
                failures.append(f"{method} {url} as {role}: expected {table[role]}, got {got}")
            for leak in _leaks(world, name, role, body):
                failures.append(f"LEAK {method} {url} as {role} ({got}): {leak}")
    return failures, seen


def test_every_url_pattern_has_a_row_in_the_access_table():
    missing = sorted(name for name in PATTERNS if name not in ACCESS)
    stale = sorted(k for k in ACCESS if k.split("@")[0] not in PATTERNS)
    assert not missing, f"URL patterns without a row in ACCESS: {', '.join(missing)}"
    assert not stale, f"ACCESS rows for URL patterns that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("case", CASES)
def test_each_role_gets_what_the_access_table_says_and_nothing_of_a_it_may_not_see(
    trust_world, case
):
    failures, _seen = _run(trust_world, case)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("role", "url_of", "secrets"),
    [
        ("a_clerk", lambda o: f"/worklists/{o['worklist'].pk}/", ["worklist"]),
        ("b_examiner", lambda o: f"/families/{o['a_pub'].family_id}/", ["pub_doc_code"]),
        ("a_examiner", lambda o: f"/families/{o['a_unpub'].family_id}/", ["unpub_title"]),
        ("a_admin", lambda o: "/office/api-keys/", ["a_key_name"]),
        ("a_admin", lambda o: "/office/users/", ["a_examiner_email", "a_clerk_email"]),
        ("a_clerk", lambda o: f"/requests/{o['request'].pk}/", ["request_message"]),
        ("a_examiner", lambda o: f"/documents/{o['doc_unpub'].pk}/", ["unpub_doc_code"]),
    ],
)
def test_the_leak_check_would_see_the_text_where_it_is_allowed(trust_world, role, url_of, secrets):
    """The zero-leak assertions are only worth something if the text shows where allowed."""
    client = Client()
    client.force_login(trust_world.users[role])
    response = client.get(url_of(trust_world.objects))
    assert response.status_code == 200
    body = response.content.decode()
    for what in secrets:
        assert trust_world.secrets[what] in body, what


@pytest.mark.parametrize("role", PORTAL_ROLES)
def test_ops_admin_is_for_operators_only(trust_world, role):
    client = Client()
    if role != "anon":
        client.force_login(trust_world.users[role])
    o = trust_world.objects
    urls = [
        "/ops/",
        "/ops/offices/user/",
        f"/ops/offices/user/{trust_world.users['a_examiner'].pk}/change/",
        "/ops/offices/apikey/",
        f"/ops/notifications/documentrequest/{o['request'].pk}/change/",
        "/ops/stats/usageevent/",
    ]
    for url in urls:
        response = client.get(url)
        if role == "operator":
            assert response.status_code == 200, url
            continue
        # Everyone else is sent to a login (the admin's leads to the portal's one login page).
        assert response.status_code == 302, url
        assert response["Location"].startswith(("/ops/login/", "/accounts/login/")), url
        body = response.content.decode()
        assert trust_world.secrets["a_examiner_email"] not in body
        assert trust_world.secrets["request_message"] not in body


# Rows asked again with Redis gone (issue 18.7): the table holds, pages and the API answer.
REDIS_DOWN_CASES = [
    "home",
    "offices:welcome",
    "dossiers:search",
    "dossiers:family-detail",
    "dossiers:family-detail@unpublished",
    "notifications:watch-list",
    "offices:api-key-list",
    "v1:me",
    "v1:search",
    "v1:family@unpublished",
    "v1:application-create",
]


@pytest.fixture
def redis_down(settings):
    import socket

    with socket.socket() as s:  # a port nothing listens on: every connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "case_portal.cache.FailoverRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.parametrize("case", REDIS_DOWN_CASES)
def test_the_access_table_holds_with_redis_down(trust_world, redis_down, case):
    failures, _seen = _run(trust_world, case)
    assert not failures, "\n".join(failures)
