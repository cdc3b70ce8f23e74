from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.urls import reverse

from .backends import office_admits_people
from .services import FIRST_VISIT_SESSION_KEY

# Who sends sign-in e-mails: the notifications outbox registers itself (offices cannot import
# it). Registered at start-up by notifications.apps.
_mail_queue = None


def account_mail_queue_register(queue) -> None:
    global _mail_queue
    _mail_queue = queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context) -> None:
        # Never sent from the web process: a mail server that is down would make the reset
        # or change page a 500 (after the password was changed). A worker sends and retries.
        _mail_queue(self.render_mail(template_prefix, email, context))

    def is_open_for_signup(self, request) -> bool:
        # Accounts exist only by an office admin's invitation.
        return False

    def pre_login(self, request, user, **kwargs):
        # allauth asks only user.is_active here; an office that left shuts its people out too.
        if not office_admits_people(user):
            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request):
        if request.session.pop(FIRST_VISIT_SESSION_KEY, False):
            return reverse("offices:welcome")
        return super().get_login_redirect_url(request)
