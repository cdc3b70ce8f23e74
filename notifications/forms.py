"""Validation only; resolving numbers and state rules live in selectors and services."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from case_portal.forms import TextBoxField
from dossiers.forms import IsoDateField, PatentNumberField
from dossiers.models import Document

from .models import Delivery, DocumentRequest, Watch


def _date_field(label: str, help_text: str) -> IsoDateField:
    """An optional date of a request: the portal's one date box and parser (YYYY-MM-DD)."""
    help_text = format_lazy("{}. {}", gettext_lazy("YYYY-MM-DD"), help_text)
    return IsoDateField(label=label, required=False, help_text=help_text)


class WatchOptionsForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Watch"),
        choices=Watch.Scope.choices,
        initial=Watch.Scope.APPLICATION,
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Document categories"),
        choices=Document.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked to hear about every category."),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Documents"),
        choices=Watch.Direction.choices,
        initial=Watch.Direction.ALL,
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("E-mail"),
        choices=Watch.Delivery.choices,
        initial=Watch.Delivery.SETTINGS,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Your notification settings (menu: Settings) apply to every notice; choose "
            "otherwise here only for this watch."
        ),
    )

    def __init__(self, *args, user_delivery: str = Delivery.IMMEDIATE, **kwargs):
        super().__init__(*args, **kwargs)
        current = _("a daily digest") if user_delivery == Delivery.DIGEST else _("each at once")
        self.fields["delivery"].choices = [
            ("", _("As in my notification settings (now: %(current)s)") % {"current": current}),
            *Watch.Delivery.choices[1:],
        ]


class WatchAddForm(WatchOptionsForm):
    number = PatentNumberField(
        label=gettext_lazy("Application, publication or priority number"),
        help_text=gettext_lazy(
            "Any spelling, e.g. US 13/926,335, EP13844704 or PCT/US2013/064552."
        ),
    )

    field_order = ["number", "scope", "categories", "direction", "delivery"]


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("E-mail me my notifications"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "For every notification: watched documents, your requests, requests to your "
            "office and packages. They are always listed in the portal under Notifications."
        ),
    )


class QuickWatchForm(forms.Form):
    """The one-click Watch buttons of the family page."""

    application = forms.IntegerField(required=False)
    family = forms.IntegerField(required=False)
    next = forms.CharField(required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if not data.get("application") and not data.get("family"):
            raise forms.ValidationError(_("Choose an application or a family to watch."))
        return data


class RequestForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What you need"),
        choices=DocumentRequest.Wanted.choices,
        initial=DocumentRequest.Wanted.ALL,
        required=False,
        help_text=gettext_lazy(
            "Ask for the latest office action even when older documents are shared."
        ),
    )
    own_application = forms.TypedChoiceField(
        label=gettext_lazy("For your application"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("The application of your office under examination in this family."),
    )
    needed_by = _date_field(
        gettext_lazy("Needed by"),
        gettext_lazy("Your examination date; filled in from your worklist when there is one."),
    )
    message = TextBoxField(
        rows=4,
        label=gettext_lazy("Message to the providing office (optional)"),
        max_length=2000,
    )
    family_checked = forms.BooleanField(
        label=gettext_lazy("I have looked at what the family already holds and still need this."),
        required=False,
    )

    def __init__(self, *args, own_choices=(), family_has_reports=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.family_has_reports = family_has_reports
        self.fields["own_application"].choices = [("", "—")] + [
            (a.pk, a.display) for a in own_choices
        ]
        if not own_choices:
            del self.fields["own_application"]
        if not family_has_reports:
            del self.fields["family_checked"]

    def clean(self):
        data = super().clean()
        data["category"] = data.get("category") or DocumentRequest.Wanted.ALL
        if self.family_has_reports and not data.get("family_checked"):
            self.add_error(
                "family_checked",
                _(
                    "The family already holds reports from other offices: look at them, then "
                    "confirm that you still need this request."
                ),
            )
        return data


class RequestByNumberForm(forms.Form):
    number = PatentNumberField(
        label=gettext_lazy("Application or publication number"),
        help_text=gettext_lazy(
            "Any spelling; a number the portal does not hold yet can be asked for too."
        ),
    )


class RequestChangeForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("New state"),
        choices=[
            (DocumentRequest.State.ACKNOWLEDGED, gettext_lazy("Accept")),
            (DocumentRequest.State.EXAMINATION_COMMENCED, gettext_lazy("Examination commenced")),
            (DocumentRequest.State.DECLINED, gettext_lazy("Declined")),
        ],
    )
    expected_date = _date_field(
        gettext_lazy("Reports expected by"),
        gettext_lazy("Required to accept and for “examination commenced”."),
    )
    reason = TextBoxField(
        rows=3,
        label=gettext_lazy("Reason for declining"),
        max_length=500,
        help_text=gettext_lazy("Required when declining."),
    )
