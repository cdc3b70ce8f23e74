from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.models import EmailAddress
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiKey, Office, User
from .services import LEAD_DAYS_MAX, LEAD_DAYS_MIN


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=User.Role.choices, initial=User.Role.EXAMINER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=User.Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. 'docketing system'."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one scope.")},
    )


class AccessPolicyForm(forms.Form):
    shares_with_all = forms.TypedChoiceField(
        label=gettext_lazy("Who may see our documents"),
        choices=[("1", "Every participating office"), ("0", "Only the offices ticked below")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    shares_with = forms.ModelMultipleChoiceField(
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Offices admitted"),
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shares_with"].queryset = (
            Office.objects.active().filter(accesses=True).exclude(pk=office.pk)
        )

    def clean(self):
        data = super().clean()
        if data.get("shares_with_all") is False and not data.get("shares_with"):
            self.add_error(
                "shares_with", _("Tick at least one office, or share with every office.")
            )
        return data


class RequestContactsForm(forms.Form):
    request_inbox = forms.EmailField(
        label=gettext_lazy("Request inbox address"),
        required=False,
        help_text=gettext_lazy("A shared mailbox that receives every document request (optional)."),
    )
    request_contacts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People who receive requests by e-mail"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Nobody ticked and no inbox: every clerk and admin of the office is e-mailed. "
            "Clerks and admins always see requests and the count on “Requests”."
        ),
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_contacts"].queryset = User.objects.filter(
            office=office, is_active=True, role__in=(User.Role.CLERK, User.Role.OFFICE_ADMIN)
        ).order_by("email")
        self.fields["request_contacts"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.email} ({u.email}, {u.get_role_display().lower()})"
        )


_LEAD_RANGE = format_lazy(
    gettext_lazy("Give a number of days between {low} and {high}."),
    low=LEAD_DAYS_MIN,
    high=LEAD_DAYS_MAX,
)


class OfficeSettingsForm(forms.Form):
    """The office's worklist settings; the limits are the service's (one rule, one place)."""

    worklist_date_order = forms.ChoiceField(
        label=gettext_lazy("Dates like 03/04/2026 in worklist lines are"),
        choices=Office.DateOrder.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "2026-04-03, 3.4.2026 and 12/20/2026 (only one reading) are always understood."
        ),
    )
    package_lead_days = forms.IntegerField(
        label=gettext_lazy("Build packages this many days before the examination"),
        min_value=LEAD_DAYS_MIN,
        max_value=LEAD_DAYS_MAX,
        help_text=format_lazy(
            gettext_lazy(
                "Between {low} and {high} days. Packages already built stay as they are; "
                "entries not yet packaged follow the new lead time."
            ),
            low=LEAD_DAYS_MIN,
            high=LEAD_DAYS_MAX,
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": "4"}),
        error_messages={
            "invalid": gettext_lazy("Give a whole number of days, e.g. 14."),
            "required": gettext_lazy("Give the number of days, e.g. 14."),
            "min_value": _LEAD_RANGE,
            "max_value": _LEAD_RANGE,
        },
    )


class AddEmailForm(AllauthAddEmailForm):
    """allauth's change-e-mail form, except an address another account has: nothing is added and
    no link is mailed (confirming it would move the address here and fail on the unique e-mail,
    a 500), and the page answers as for any address, so it tells nobody who has an account."""

    def save(self, request):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            return EmailAddress(user=self.user, email=email)  # unsaved: allauth announces nothing
        return super().save(request)
