"""usage_record() is the one way any part of the portal counts a use."""

from datetime import datetime

from offices.models import Office

from .models import Action, UsageEvent


def usage_record(
    *,
    action: str,
    user=None,
    office: Office | None = None,
    provider_office: Office | None = None,
    application_id: int | None = None,
    document_id: int | None = None,
    count: int = 1,
    bulk: bool = False,
    via_api: bool = False,
    when: datetime | None = None,
) -> UsageEvent:
    if action not in Action.values:
        raise ValueError(f"Unknown usage action {action!r}")
    person = user if getattr(user, "pk", None) else None  # API clients are not people
    if office is None and user is not None:
        office = getattr(user, "office", None)
    event = UsageEvent(
        action=action,
        user=person,
        office=office,
        provider_office=provider_office,
        application_id=application_id,
        document_id=document_id,
        count=count,
        bulk=bulk,
        via_api=via_api,
    )
    if when is not None:
        event.occurred_at = when
    event.save()
    return event
