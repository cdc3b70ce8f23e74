"""From the portal's rows to the client's terms: which offices serve on the fly, and who asks."""

from offices.service_models import OfficeService

from .client import Requester, Service, connection_test


def service_for(office) -> Service | None:
    """The office's web service, or None for a depositing office. Reads the prefetched
    `office.service` when there is one (no query per member)."""
    try:
        row = office.service
    except OfficeService.DoesNotExist:
        return None
    if not row.is_web_service:
        return None
    return Service(office_code=office.code, base_url=row.base_url, token=row.token)


def requester_for(user) -> Requester | None:
    office = getattr(user, "office", None)
    if office is None:
        return None
    return Requester(office_code=office.code, role=getattr(user, "role", ""))


def connection_test_row(row: OfficeService) -> str:
    """The admin's "test connection" (registered in dossiers/apps.py)."""
    if not row.base_url:
        return "no base URL set"
    return connection_test(
        Service(office_code=row.office.code, base_url=row.base_url, token=row.token)
    )
