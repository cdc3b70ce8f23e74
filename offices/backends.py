"""Authentication backends: a person whose office left the portal is shut out like an
inactive account, at log-in and on every request of a live session (Django asks
`user_can_authenticate` again when it loads the session's user)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from case_portal.compiled import compiled_rows


def office_admits_people(user) -> bool:
    """Operators run the portal from no office; everyone else needs an office that takes part."""
    if getattr(user, "is_operator", False):
        return True
    office = getattr(user, "office", None)
    return office is not None and office.participates


class _OfficeAware:
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and office_admits_people(user)

    def get_user(self, user_id):
        from .models import User

        # Every page loads its user: the SQL is compiled once (case_portal/compiled.py), the
        # ORM's compiling cost more than the query.
        found = compiled_rows(
            lambda ids: User.objects.select_related("office").filter(pk=ids[0]),
            shape="session user",
            values=[user_id],
        )
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OfficeAware, DjangoModelBackend):
    pass


class AuthenticationBackend(_OfficeAware, AllauthBackend):
    pass
