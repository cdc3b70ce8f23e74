"""Writes for applications and their families: one item (forms, API) or many (bulk API, import).

Every path parses with `application_input.application_in_parse` / `application_numbers_read` and
writes through `bulk.applications_write`, which holds the field-merge rule and the family rule
(applications sharing any linking number — own number, a priority number or a PCT number —
belong to one extended family, transitively; merged on insert, split when a link goes).
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from offices.models import Office

from .. import signals
from ..models import Application
from .application_input import (  # noqa: F401 - the names callers import from here
    ApplicationNumbers,
    PriorityIn,
    PublicationIn,
    application_in_parse,
    application_numbers_read,
)
from .bulk import applications_write, error_result, errors_of, item_prepare

logger = logging.getLogger(__name__)

APPLICATION_BULK_MAX = 1000


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
    app, _ = _upsert_one(
        {
            "office": office,
            "number": number,
            "filing_date": filing_date,
            "title": title,
            "applicants": applicants,
            "status": status,
            "published": published,
            "priorities": list(priorities),
            "publications": list(publications),
            "pct": pct,
            "examination_date": examination_date,
        },
        user=user,
    )
    return app


def _upsert_one(kwargs: dict, *, user) -> tuple[Application, bool]:
    result = applications_write(office=kwargs["office"], items=[item_prepare(0, kwargs)])[0]
    if result["status"] == "error":
        raise ValidationError(result["errors"])
    app = Application.objects.get(pk=result["id"])
    created = result["status"] == "created"
    signals.application_saved.send(sender=Application, application=app, created=created, user=user)
    return app, created


@transaction.atomic
def application_provide(*, office: Office, data, user=None) -> tuple[Application, bool]:
    """Validate one JSON application and upsert it; returns (application, created)."""
    return _upsert_one(application_in_parse(data, office=office), user=user)


@transaction.atomic
def application_bulk_upsert(*, office: Office, items, user=None) -> list[dict]:
    """Up to APPLICATION_BULK_MAX JSON applications, written set-based. Each item stands or falls
    alone: a bad one is reported with its index, the others are saved. One result per item, in
    order; one `applications_saved` signal for all that were saved."""
    if not isinstance(items, list):
        raise ValidationError({"applications": "A list of applications."})
    if len(items) > APPLICATION_BULK_MAX:
        raise ValidationError(
            {"applications": f"At most {APPLICATION_BULK_MAX} applications per call."}
        )
    results: dict[int, dict] = {}
    prepared = []
    for index, item in enumerate(items):
        number = item.get("number") if isinstance(item, dict) else None
        try:
            prepared.append(
                item_prepare(index, application_in_parse(item, office=office), number=number)
            )
        except ValidationError as exc:
            results[index] = error_result(index, number, errors_of(exc))
    results.update(applications_write(office=office, items=prepared))
    ordered = [results[i] for i in range(len(items))]
    applications_saved_send(results=ordered, user=user)
    return ordered


def applications_saved_send(*, results: list[dict], user=None) -> None:
    """The bulk form of `application_saved`: ids of the applications saved, and which are new."""
    saved = [r for r in results if r["status"] != "error"]
    if saved:
        signals.applications_saved.send(
            sender=Application,
            application_ids=[r["id"] for r in saved],
            created_ids=[r["id"] for r in saved if r["status"] == "created"],
            user=user,
        )


def bulk_summary(results: list[dict]) -> dict:
    counts = {"created": 0, "updated": 0, "error": 0}
    for r in results:
        counts[r["status"]] += 1
    return {"total": len(results), **counts}
