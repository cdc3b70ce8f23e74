"""Issue 18.2, the probe: a providing office claims priority to a guessed number and reads every
answer it can get. Each answer must be the same, byte for byte once ids are pinned, whether the
guessed number is another office's unpublished application or not (the control world has an
unpublished application with another number instead, so both worlds use the same ids)."""

import datetime as dt
import difflib
import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client

from dossiers.services import worklists
from dossiers.services.applications import application_upsert
from offices.services import api_key_create
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

GUESSED = "US 13/926,335"
PRIORITY = [{"office": "US", "number": GUESSED, "date": "2013-06-24"}]
# Per-request noise that is no signal: CSRF tokens, timestamps, the per-process chart counter.
NOISE = [
    (re.compile(r"chart-([td])\d+"), r"chart-\1N"),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "csrf"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "timestamp"),
]


def _pin_ids():
    """Start every id sequence at the same value in both worlds."""
    with connection.cursor() as cur:
        cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        for (name,) in cur.fetchall():
            cur.execute("SELECT setval(%s, 5000000, false)", [name])


def _normalised(response) -> tuple[int, str]:
    body = response.content.decode("utf-8", "replace")
    for pattern, label in NOISE:
        body = pattern.sub(label, body)
    return response.status_code, body


def _probe(other_number: str) -> dict[str, tuple[int, str]]:
    us, ep = OfficeFactory(code="US"), OfficeFactory(code="EP")
    examiner = UserFactory(office=ep, role="examiner", email="examiner@ep.test")
    clerk = UserFactory(office=ep, role="clerk", email="clerk@ep.test")
    admin = UserFactory(office=ep, role="office_admin", email="admin@ep.test")
    raw = api_key_create(office=ep, name="probe", scopes=["provide", "access"])[1]
    api = Client(headers={"authorization": f"Bearer {raw}"})
    people = {}
    for name, user in (("examiner", examiner), ("clerk", clerk), ("admin", admin)):
        people[name] = Client()
        people[name].force_login(user)
    # The other office's unpublished application: the guessed number, or (control) another.
    application_upsert(
        office=us,
        number=other_number,
        filing_date=dt.date(2013, 6, 24),
        title="Secret hinge",
        applicants=["Hidden Inc"],
    )

    out = {}

    def post(name, url, body):
        out[name] = _normalised(api.post(url, json.dumps(body), content_type="application/json"))
        return json.loads(out[name][1])

    made = post(
        "api create (published claimant)",
        "/api/v1/applications",
        {"number": "EP13844704", "priorities": PRIORITY, "published": True},
    )
    bulk = post(
        "api bulk (unpublished claimant)",
        "/api/v1/applications/bulk",
        {"applications": [{"number": "EP14150001", "priorities": PRIORITY}]},
    )
    families = [made["family"], bulk["results"][0]["family"]]
    form = {"number": "EP15160002", "status": "filed", "priorities": f"{GUESSED} 2013-06-24"}
    preview = people["clerk"].post("/provide/applications/new/", form)
    out["provide form preview"] = _normalised(preview)
    saved = people["clerk"].post(
        "/provide/applications/new/",
        {**form, "confirm": preview.context["fingerprint"]},
        follow=True,
    )
    out["provide form saved"] = _normalised(saved)
    wl = worklists.worklist_create(user=clerk, name="Probe")
    worklists.worklist_lines_add(worklist=wl, text="EP13844704;2027-01-04\nEP14150001;2027-01-05")
    reads = {
        "api family 1": (api, f"/api/v1/families/{families[0]}"),
        "api family 2": (api, f"/api/v1/families/{families[1]}"),
        "api search": (api, "/api/v1/search?number=US13926335"),
        "api application": (api, "/api/v1/applications/US/US13926335"),
        "api claimant": (api, "/api/v1/applications/EP/EP13844704"),
        "family page 1": (people["examiner"], f"/families/{families[0]}/"),
        "family page 2": (people["examiner"], f"/families/{families[1]}/"),
        "search page": (people["examiner"], f"/search/?q={GUESSED}"),
        "number permalink": (people["examiner"], "/numbers/US13926335"),
        "worklist": (people["clerk"], f"/worklists/{wl.pk}/"),
        "statistics": (people["admin"], "/statistics/?office=EP"),
        "access log": (people["admin"], "/statistics/access-log/?office=EP"),
    }
    for name, (client, url) in reads.items():
        out[name] = _normalised(client.get(url))
    return out


def _in_savepoint(other_number: str):
    with transaction.atomic():
        _pin_ids()
        out = _probe(other_number)
        transaction.set_rollback(True)
    return out


def test_a_guessed_claim_reads_the_same_whether_or_not_the_unpublished_application_exists():
    hidden = _in_savepoint(GUESSED)
    control = _in_savepoint("US 13/555,555")
    assert hidden.keys() == control.keys()
    for name in hidden:
        assert hidden[name][0] < 500, (name, hidden[name])
        diff = "\n".join(
            difflib.unified_diff(
                control[name][1].splitlines(), hidden[name][1].splitlines(), lineterm="", n=1
            )
        )
        assert hidden[name] == control[name], f"{name} differs:\n{diff[:3000]}"
    # The probe reads real pages: the claimant's family and the number as the claimant gave it.
    assert hidden["family page 1"][0] == 200 and "US 13/926,335" in hidden["family page 1"][1]
    assert json.loads(hidden["api family 1"][1])["members"]
