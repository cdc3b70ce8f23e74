"""Writes for applications, families and documents.

Family rule: applications sharing any linking number (own number, a priority number or a PCT
number) belong to one extended family, transitively. Every upsert recomputes the connected
components of the families it touches, which merges on insert and splits when a link is removed.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.models import Office

from .. import numbers, signals
from ..dates import date_parse
from ..models import Application, Family, LookupKey, PriorityClaim, Publication

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PriorityIn:
    office: str
    number: str
    date: dt.date | None = None


@dataclass(frozen=True)
class PublicationIn:
    number: str
    date: dt.date | None = None


def _parse(text: str, field: str, **kwargs) -> numbers.PatentNumber:
    try:
        return numbers.normalise(text, **kwargs)
    except numbers.InvalidNumber as exc:
        raise ValidationError({field: str(exc)}) from exc


@dataclass(frozen=True)
class ApplicationNumbers:
    """Every number of one application as it will be stored: what a provider confirms."""

    number: numbers.PatentNumber
    priorities: list[tuple[PriorityIn, numbers.PatentNumber]]
    publications: list[tuple[PublicationIn, numbers.PatentNumber]]
    pct: numbers.PatentNumber | None


def application_numbers_read(
    *,
    office: Office,
    number: str,
    filing_date: dt.date | None = None,
    priorities: Iterable[PriorityIn] = (),
    publications: Iterable[PublicationIn] = (),
    pct: str | None = None,
) -> ApplicationNumbers:
    """Read the numbers of one application the one way (form preview, API, upsert alike).
    Every number is read: the ValidationError names each bad one on its field."""
    errors: dict[str, list[str]] = {}

    def read(text, field, **kwargs):
        try:
            return _parse(text, field, **kwargs)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.message_dict[field])
            return None

    parsed = read(number, "number", office=office.code, kind="application", filed=filing_date)
    if parsed and parsed.office not in (office.code, "WO"):
        errors["number"] = [
            f"{parsed.display} is a {parsed.office} number, not one of {office.code}."
        ]
    prios = [
        (p, read(p.number, "priorities", office=p.office or None, kind="priority", filed=p.date))
        for p in priorities
    ]
    pubs = [
        (p, read(p.number, "publications", office=office.code, kind="publication"))
        for p in publications
    ]
    pct_parsed = read(pct, "pct", kind="pct") if pct else None
    if errors:
        raise ValidationError(errors)
    return ApplicationNumbers(parsed, prios, pubs, pct_parsed)


@transaction.atomic
def application_upsert(
    *,
    office: Office,
    number: str,
    filing_date: dt.date | None = None,
    title: str = "",
    applicants: Sequence[str] = (),
    status: str | None = None,
    published: bool | None = None,
    priorities: Iterable[PriorityIn] = (),
    publications: Iterable[PublicationIn] = (),
    pct: str | None = None,
    examination_date: dt.date | None = None,
    user=None,
) -> Application:
    """Create or update one application (idempotent on its canonical key) and its family."""
    read = application_numbers_read(
        office=office,
        number=number,
        filing_date=filing_date,
        priorities=priorities,
        publications=publications,
        pct=pct,
    )
    parsed, prios, pubs, pct_parsed = read.number, read.priorities, read.publications, read.pct

    app = Application.objects.select_for_update().filter(key=parsed.key).first()
    created = app is None
    old_family_id = None if created else app.family_id
    if created:
        app = Application(key=parsed.key, office=office, family=Family.objects.create())
    elif app.office_id != office.pk:
        raise ValidationError(
            {"number": _("%(number)s belongs to another office.") % {"number": parsed.display}}
        )
    app.display = parsed.display
    app.is_pct = parsed.office == "WO"
    app.filing_date = filing_date or app.filing_date
    app.title = title or app.title
    app.applicants = list(applicants) or app.applicants
    if status:
        app.status = status
    if published is not None:
        app.published = published
    elif pubs:
        app.published = True
    if examination_date:
        app.examination_date = examination_date
    app.pct_key = pct_parsed.key if pct_parsed else ""
    app.pct_display = pct_parsed.display if pct_parsed else ""
    app.updated_at = timezone.now()
    app.full_clean(exclude=["family"])
    app.save()

    app.priority_claims.all().delete()
    PriorityClaim.objects.bulk_create(
        [
            PriorityClaim(
                application=app, office_code=pn.office, key=pn.key, display=pn.display, date=p.date
            )
            for p, pn in prios
            if pn.key != app.key
        ]
    )
    for p, pn in pubs:
        Publication.objects.update_or_create(
            application=app,
            key=pn.key,
            kind_code=pn.kind_code or "",
            defaults={"display": pn.display, "date": p.date},
        )
    _lookup_keys_write(app)
    _families_recompute({old_family_id, app.family_id} - {None}, app)
    app.refresh_from_db(fields=["family"])
    signals.application_saved.send(sender=Application, application=app, created=created, user=user)
    return app


def _lookup_keys_write(app: Application) -> None:
    rows = {(app.key, LookupKey.Source.APPLICATION)}
    rows |= {
        (k, LookupKey.Source.PRIORITY) for k in app.priority_claims.values_list("key", flat=True)
    }
    rows |= {
        (k, LookupKey.Source.PUBLICATION) for k in app.publications.values_list("key", flat=True)
    }
    if app.pct_key:
        rows.add((app.pct_key, LookupKey.Source.PCT))
    app.lookup_keys.all().delete()
    LookupKey.objects.bulk_create(
        [LookupKey(application=app, key=key, source=source) for key, source in rows]
    )


def _families_recompute(family_ids: set[int], app: Application) -> None:
    """Re-derive the connected components of the families touched by `app`."""
    my_links = list(
        app.lookup_keys.filter(source__in=LookupKey.LINKING).values_list("key", flat=True)
    )
    linked = set(
        LookupKey.objects.filter(key__in=my_links, source__in=LookupKey.LINKING).values_list(
            "application__family_id", flat=True
        )
    )
    family_ids = set(family_ids) | linked
    # Lock in id order so two concurrent merges cannot deadlock or interleave.
    list(Family.objects.select_for_update().filter(pk__in=family_ids).order_by("pk"))
    members = list(Application.objects.filter(family_id__in=family_ids).only("id", "family_id"))
    links = LookupKey.objects.filter(
        application__family_id__in=family_ids, source__in=LookupKey.LINKING
    ).values_list("application_id", "key")

    parent = {m.pk: m.pk for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_by_key: dict[str, int] = {}
    for app_id, key in links:
        if key in first_by_key:
            a, b = find(app_id), find(first_by_key[key])
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_by_key[key] = app_id

    components: dict[int, list[Application]] = {}
    for m in members:
        components.setdefault(find(m.pk), []).append(m)
    # The biggest component keeps the oldest family id so permalinks stay stable.
    free = sorted(family_ids)
    now = timezone.now()
    for comp in sorted(components.values(), key=lambda c: (-len(c), min(m.pk for m in c))):
        fam_id = free.pop(0) if free else Family.objects.create().pk
        Application.objects.filter(pk__in=[m.pk for m in comp]).exclude(family_id=fam_id).update(
            family_id=fam_id
        )
        Family.objects.filter(pk=fam_id).update(updated_at=now)
    if free:
        Family.objects.filter(pk__in=free, members__isnull=True).delete()


# --- providing (issue 5) ---


APPLICATION_BULK_MAX = 1000


def _date_in(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return date_parse(value)
    except ValueError as exc:
        raise ValidationError(
            {field: _("‘%(value)s’ is not a date; use YYYY-MM-DD.") % {"value": value}}
        ) from exc


def _text_in(value, field: str, *, max_length: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Must be text.")})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("At most %(max_length)s characters.") % {"max_length": max_length}}
        )
    return value.strip()


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    return isinstance(value, list) and any(_has_nul(v) for v in value)


def application_in_parse(data, *, office: Office) -> dict:
    """Turn one JSON application (API, bulk file) into application_upsert keyword arguments.

    The one validator for machine input, so the endpoint, the bulk endpoint and the import
    command accept exactly the same documents. Raises ValidationError with field errors.
    """
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": _("Each application must be a JSON object.")})
    errors: dict[str, list[str]] = {}
    # NUL is never text a person means, and PostgreSQL refuses it (a 500): a field error.
    for name, value in data.items():
        if _has_nul(value):
            errors[str(name)] = ["Must not contain NUL characters."]
    if errors:
        raise ValidationError(errors)

    def take(fn):
        try:
            return fn()
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                errors.setdefault(name, []).extend(msgs)
            return None

    code = str(data.get("office") or office.code).strip().upper()
    if code != office.code:
        errors["office"] = [f"This key provides for {office.code} only, not {code}."]
    number = _text_in(data.get("number"), "number", max_length=100) if "number" in data else ""
    if not number:
        errors.setdefault("number", []).append("The application number is required.")
    out: dict = {"office": office, "number": number}
    out["filing_date"] = take(lambda: _date_in(data.get("filing_date"), "filing_date"))
    out["examination_date"] = take(
        lambda: _date_in(data.get("examination_date"), "examination_date")
    )
    out["title"] = take(lambda: _text_in(data.get("title"), "title")) or ""
    applicants = data.get("applicants") or []
    if not isinstance(applicants, list) or not all(isinstance(a, str) for a in applicants):
        errors["applicants"] = ["A list of names."]
    else:
        out["applicants"] = [a.strip() for a in applicants if a.strip()][:100]
    status = data.get("status")
    if status not in (None, "") and status not in Application.Status.values:
        errors["status"] = [f"One of: {', '.join(Application.Status.values)}."]
    out["status"] = status or None
    published = data.get("published")
    if published is not None and not isinstance(published, bool):
        errors["published"] = ["true or false."]
    out["published"] = published
    pct = data.get("pct")
    out["pct"] = take(lambda: _text_in(pct, "pct", max_length=100)) or None
    prios, pubs = [], []
    for name, target, item_fields in (
        ("priorities", prios, ("office", "number", "date")),
        ("publications", pubs, ("number", "date")),
    ):
        items = data.get(name) or []
        if not isinstance(items, list) or len(items) > 200:
            errors[name] = ["A list (at most 200) of objects."]
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("number"), str):
                errors.setdefault(name, []).append(f"Item {i + 1}: an object with a number.")
                continue
            when = take(lambda item=item, name=name: _date_in(item.get("date"), name))
            if "office" in item_fields:
                cc = item.get("office") or ""
                if not isinstance(cc, str):
                    errors.setdefault(name, []).append(f"Item {i + 1}: office must be text.")
                    continue
                target.append(PriorityIn(cc.strip().upper(), item["number"][:100], when))
            else:
                target.append(PublicationIn(item["number"][:100], when))
    out["priorities"], out["publications"] = prios, pubs
    if errors:
        raise ValidationError(errors)
    return out


def application_provide(*, office: Office, data, user=None) -> tuple[Application, bool]:
    """Validate one JSON application and upsert it; returns (application, created)."""
    kwargs = application_in_parse(data, office=office)
    try:
        key = numbers.normalise(
            kwargs["number"], office=office.code, kind="application", filed=kwargs["filing_date"]
        ).key
    except numbers.InvalidNumber as exc:
        raise ValidationError({"number": str(exc)}) from exc
    existed = Application.objects.filter(key=key).exists()
    app = application_upsert(user=user, **kwargs)
    return app, not existed


def application_bulk_upsert(*, office: Office, items, user=None, progress=None) -> list[dict]:
    """All-or-nothing per item: each application commits in its own savepoint, so one bad item
    never undoes the others. Returns one result per item, in order."""
    if not isinstance(items, list):
        raise ValidationError({"applications": _("A list of applications.")})
    if len(items) > APPLICATION_BULK_MAX:
        raise ValidationError(
            {
                "applications": _("At most %(maximum)s applications per call.")
                % {"maximum": APPLICATION_BULK_MAX}
            }
        )
    results = []
    for index, item in enumerate(items):
        try:
            with transaction.atomic():
                app, created = application_provide(office=office, data=item, user=user)
        except ValidationError as exc:
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            number = item.get("number") if isinstance(item, dict) else None
            # Echo what was sent only when it was text: the result says "number" is a string.
            number = number if isinstance(number, str) else None
            results.append({"index": index, "number": number, "status": "error", "errors": errors})
        else:
            results.append(
                {
                    "index": index,
                    "number": item.get("number"),
                    "status": "created" if created else "updated",
                    "id": app.pk,
                    "key": app.key,
                    "display": app.display,
                    "family": app.family_id,
                }
            )
        if progress is not None:
            progress(index + 1)
    return results


def bulk_summary(results: list[dict]) -> dict:
    counts = {"created": 0, "updated": 0, "error": 0}
    for r in results:
        counts[r["status"]] += 1
    return {"total": len(results), **counts}
