import factory

from notifications.models import Watch
from tests.dossiers.factories import ApplicationFactory
from tests.offices.factories import UserFactory


class WatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Watch

    user = factory.SubFactory(UserFactory)
    application = factory.SubFactory(ApplicationFactory)
