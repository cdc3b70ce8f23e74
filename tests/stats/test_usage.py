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
