from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login

from .backends import office_admits_people


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts exist only by an office admin's invitation.
        return False

    def pre_login(self, request, user, **kwargs):
        # allauth asks only user.is_active here; an office that left shuts its people out too.
        if not office_admits_people(user):
            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)
