import factory

from offices.models import Office, User

PASSWORD = "correct-horse-battery-7"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: ["DE", "FR", "JP", "KR", "CN", "GB", "US", "EP"][n % 8])
    name = factory.LazyAttribute(lambda o: f"Patent office {o.code}")
    contact_email = factory.LazyAttribute(lambda o: f"case@{o.code.lower()}.test")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@office.test")
    office = factory.SubFactory(OfficeFactory)
    role = User.Role.EXAMINER
    first_name = "Pat"
    last_name = "Examiner"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
