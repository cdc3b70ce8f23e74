import pytest

from stats.models import UsageEvent
from stats.services import usage_record

pytestmark = pytest.mark.django_db


def test_usage_record_takes_the_users_office_and_the_provider(examiner, other_office):
    usage_record(
        action="document_download",
        user=examiner,
        provider_office=other_office,
        document_id=7,
        application_id=3,
    )
    event = UsageEvent.objects.get()
    assert (event.office.code, event.provider_office.code, event.document_id) == ("CA", "AU", 7)


def test_unknown_action_is_a_programming_error(examiner):
    with pytest.raises(ValueError):
        usage_record(action="teleport", user=examiner)


def _synchronous_commit() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_page_views_event_is_counted_without_making_anything_else_asynchronous(
    examiner, other_office
):
    """A lone event commits without waiting for the disk flush; the setting ends with its own
    statement, and inside a caller's transaction (an upload, a package) it is never set."""
    from django.db import connection, transaction

    from stats.models import UsageMonthly

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    event = usage_record(action="document_download", user=examiner, provider_office=other_office)
    assert UsageEvent.objects.get().pk == event.pk
    assert UsageMonthly.objects.filter(action="document_download").count() == 1
    assert _synchronous_commit() == "on"
    with transaction.atomic():
        usage_record(action="family_view", user=examiner)
        assert _synchronous_commit() == "on"
    assert UsageEvent.objects.count() == 2
