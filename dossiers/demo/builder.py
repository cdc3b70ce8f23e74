"""Load the demo families (family_specs.py) as rows, through the application and document
services: about 60 inventions filed at the demo offices, with real small PDF reports.

Deterministic (one seeded random.Random) and idempotent: applications go through
applications.application_upsert (idempotent on the canonical key) and are only touched when they
differ from the spec; a report is skipped when the application already has a live document of
the same category, code and date, or with the same sha256 (rendering is byte-for-byte stable).

Good numbers to try (any spelling reaches the same family):

* ``US 13/926,335``, ``PCT/US2013/064552``, ``EP13844704.0``, ``US201313926335`` -- a US
  battery-cooling invention (priority US 61/712,345), PCT national phases at EP, AU, CA, JP, KR,
  CN, IN, BR. Its AU member ``AU 2013334567`` has, in the family, a search report from the EP
  (EPO Form 1503) and one from the US (the ISR of the PCT application), plus its own AU report.
* ``2012-223456`` or ``JP2012223456`` -- a JP first filing with Paris-route members at US, EP, CN,
  KR and AU; ``AU 2013237890`` sees the EP extended search report.
* ``KR 10-2012-0139876`` -- the second Korean priority of a family that links two groups: a US
  application claiming only the first priority, a JP one claiming only the second, and
  ``PCT/KR2013/009123`` claiming both.
* ``GB1218345.6`` -- a UK first filing (Section 17 search report) with EP, US, AU, NZ, SG members.
* ``US 19/214,786`` -- filed 2025, not yet published: only US users see it (EP and PCT members are
  unpublished too).
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from offices.models import Office

from .. import numbers
from ..models import Application, Citation, Document
from ..services.applications import PriorityIn, PublicationIn, application_upsert
from ..services.documents import document_add
from . import report_pdf_builder
from .data import REPORT_KINDS, SEED, FamilySpec, Member, Report
from .family_specs import families
from .report_text import report_context


def _cache_dir() -> Path:
    # Rendered PDFs by hash of their HTML: a second process loading the demo (tests, a fresh
    # database) reuses them instead of spending ~0.15 s of CPU per report again.
    return Path(settings.VAR_DIR) / "cache" / "demo-reports"


def _same(app: Application, member: Member, spec: FamilySpec, pct_key: str) -> bool:
    prios = {numbers.normalise(n, office=o, kind="priority").key for o, n, _ in member.priorities}
    pubs = set()
    for text, d in member.publications:
        p = numbers.normalise(text, office=member.office, kind="publication")
        pubs.add((p.key, p.kind_code or "", d))
    return (
        app.filing_date == member.filed
        and app.title == spec.subject.title
        and app.applicants == spec.applicants
        and app.status == member.status
        and app.published == member.published
        and app.pct_key == pct_key
        # Prefetched: comparing costs no query, so a second load is a handful of queries.
        and {c.key for c in app.priority_claims.all()} == prios
        # application_upsert adds publications but never removes one, so compare as a subset:
        # a stale extra publication from an older demo must not make every load re-save.
        and pubs <= {(p.key, p.kind_code, p.date) for p in app.publications.all()}
    )


def _member_upsert(
    spec: FamilySpec, member: Member, offices: dict, existing: dict, changes: list
) -> Application:
    key = numbers.normalise(member.number, office=member.office, kind="application").key
    pct_key = numbers.normalise(member.pct, kind="pct").key if member.pct else ""
    app = existing.get(key)
    if app is not None and _same(app, member, spec, pct_key):
        return app
    app = application_upsert(
        office=offices[member.office],
        number=member.number,
        filing_date=member.filed,
        title=spec.subject.title,
        applicants=spec.applicants,
        status=member.status,
        published=member.published,
        priorities=[PriorityIn(o, n, d) for o, n, d in member.priorities],
        publications=[PublicationIn(n, d) for n, d in member.publications],
        pct=member.pct,
    )
    changes.append(f"application {app.display}")
    return app


def _report_add(
    spec: FamilySpec,
    member: Member,
    app: Application,
    report: Report,
    rng: random.Random,
    present: set,
    changes: list,
) -> None:
    category, code, *_rest, language = REPORT_KINDS[report.kind]
    # Text randomness is drawn even when the report exists, so later reports render the same.
    ctx = report_context(spec, member, app, report, rng)
    if (app.pk, category, code, report.date) in present:
        return
    pdf = report_pdf_builder.report_render(category=category, context=ctx, cache_dir=_cache_dir())
    sha = hashlib.sha256(pdf).hexdigest()
    if (app.pk, sha) in present:
        return
    name = f"{app.key}_{code.replace(' ', '')}_{report.date:%Y%m%d}.pdf"
    doc = document_add(
        application=app,
        file=ContentFile(pdf, name=name),
        category=category,
        date=report.date,
        code=code,
        language=language,
        original_name=name,
    )
    present |= {(app.pk, category, code, report.date), (app.pk, sha)}
    rows = []
    for c, cat, claims in report.cites:
        if c.display:
            p = numbers.normalise(c.display, kind="publication")
            rows.append(
                Citation(
                    document=doc,
                    cited_key=p.key,
                    cited_display=p.display,
                    category=cat,
                    claims=claims,
                )
            )
        else:
            rows.append(Citation(document=doc, npl_text=c.npl, category=cat, claims=claims))
    Citation.objects.bulk_create(rows)
    changes.append(f"document {app.display} {code} {report.date}")


@transaction.atomic
def load(stdout=None) -> list[str]:
    offices = {o.code: o for o in Office.objects.all()}
    changes: list[str] = []
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demo data, not secrets
    existing = {
        a.key: a
        for a in Application.objects.select_related("office").prefetch_related(
            "priority_claims", "publications"
        )
    }
    present: set[tuple] = set()
    for app_id, category, code, date, sha in Document.objects.live().values_list(
        "application_id", "category", "code", "date", "sha256"
    ):
        present |= {(app_id, category, code, date), (app_id, sha)}
    specs = families()
    for done, spec in enumerate(specs, start=1):
        for member in spec.members:
            if member.office not in offices:
                continue
            app = _member_upsert(spec, member, offices, existing, changes)
            for report in member.reports:
                _report_add(spec, member, app, report, rng, present, changes)
        # A first load renders ~200 PDFs; say how far it is (a load that changes nothing is quiet).
        if stdout is not None and changes and (done % 10 == 0 or done == len(specs)):
            stdout.write(f"dossiers: {done}/{len(specs)} families ({len(changes)} change(s))")
    return changes
