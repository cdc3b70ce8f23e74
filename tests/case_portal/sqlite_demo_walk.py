"""Run by test_sqlite_demo.py in a process of its own, on the SQLite demo database `make run`
uses when nothing is configured: every page a demo person reaches by links answers without a
server error, and the writes of the usual journeys work."""

import os
import re
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from dossiers.models import Application, Family, Worklist  # noqa: E402
from offices.models import User  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
SKIP = ("/accounts/logout", "/i18n", "/static", "/ops", "/api/docs")
PAGES = int(os.environ.get("WALK_PAGES", "120"))
failures = []


def walk(email: str) -> int:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=email))
    families = [f"/families/{pk}/" for pk in Family.objects.values_list("pk", flat=True)[:15]]
    todo, seen = ["/", *families], set()
    while todo and len(seen) < PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{email} GET {url}: {response.status_code}")
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
                href = href.replace("&amp;", "&")
                if not href.startswith(SKIP) and href not in seen:
                    todo.append(href)
    return len(seen)


def expect(label: str, response, status: int) -> None:
    if response.status_code != status:
        failures.append(f"{label}: {response.status_code}, expected {status}")


for email in ("examiner@au.demo", "clerk@au.demo", "admin@au.demo", "operator@case.demo"):
    print(email, walk(email), "pages")

examiner = Client()
examiner.force_login(User.objects.get(email="examiner@au.demo"))
foreign = Application.objects.filter(published=True).exclude(office__code="AU").first()
expect("search", examiner.get(reverse("dossiers:search"), {"q": foreign.display}), 302)
expect(
    "watch",
    examiner.post(reverse("notifications:watch-quick"), {"application": foreign.pk}),
    302,
)
if foreign.display not in examiner.get(reverse("notifications:watch-list")).content.decode():
    failures.append(f"the watch on {foreign.display} is not listed")

clerk = Client()
clerk.force_login(User.objects.get(email="clerk@au.demo"))
own = Application.objects.filter(office__code="AU", published=True).values_list(
    "display", flat=True
)
made = clerk.post(
    reverse("dossiers:worklist-list"),
    {"name": "Next fortnight", "text": "\n".join(own[:5]), "date_order": "dmy"},
)
expect("worklist", made, 302)
worklist = Worklist.objects.filter(created_by__email="clerk@au.demo").order_by("-pk").first()
built = clerk.post(reverse("dossiers:package-create", args=[worklist.pk]))
expect("package", built, 302)
package = worklist.packages.order_by("-pk").first()
download = clerk.get(reverse("dossiers:package-download", args=[package.pk]))
expect(f"package download ({package.state})", download, 200)
if download.status_code == 200 and not b"".join(download.streaming_content).startswith(b"PK"):
    failures.append("the package is not a ZIP file")

print("\n".join(failures) or "all well")
sys.exit(1 if failures else 0)
