import factory

from stats.models import Action, UsageEvent
from stats.services import usage_record
from tests.offices.factories import UserFactory


class UsageFactory(factory.Factory):
    """One recorded use, through the service that records it in the portal."""

    class Meta:
        model = UsageEvent

    action = Action.DOCUMENT_VIEW
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return usage_record(**kwargs)
