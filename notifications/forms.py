"""Validation only; resolving numbers and state rules live in selectors and services."""

from django import forms

from dossiers.models import Document
from offices.widgets import DateInput

from .models import DocumentRequest, Watch


class WatchOptionsForm(forms.Form):
    scope = forms.ChoiceField(
        label="Watch",
        choices=Watch.Scope.choices,
        initial=Watch.Scope.APPLICATION,
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label="Document categories",
        choices=Document.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to hear about every category.",
    )
    direction = forms.ChoiceField(
        label="Documents", choices=Watch.Direction.choices, initial=Watch.Direction.ALL
    )
    delivery = forms.ChoiceField(
        label="E-mail",
        choices=Watch.Delivery.choices,
        initial=Watch.Delivery.IMMEDIATE,
        widget=forms.RadioSelect,
    )


class WatchAddForm(WatchOptionsForm):
    number = forms.CharField(
        label="Application, publication or priority number",
        max_length=100,
        help_text="Any spelling, e.g. US 13/926,335, EP13844704 or PCT/US2013/064552.",
    )

    field_order = ["number", "scope", "categories", "direction", "delivery"]


class QuickWatchForm(forms.Form):
    """The one-click Watch buttons of the family page."""

    application = forms.IntegerField(required=False)
    family = forms.IntegerField(required=False)
    next = forms.CharField(required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if not data.get("application") and not data.get("family"):
            raise forms.ValidationError("Choose an application or a family to watch.")
        return data


class RequestForm(forms.Form):
    message = forms.CharField(
        label="Message to the providing office (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequestChangeForm(forms.Form):
    state = forms.ChoiceField(
        label="New state",
        choices=[
            (DocumentRequest.State.ACKNOWLEDGED, "Acknowledged"),
            (DocumentRequest.State.EXAMINATION_COMMENCED, "Examination commenced"),
            (DocumentRequest.State.DECLINED, "Declined"),
        ],
    )
    expected_date = forms.DateField(
        label="Reports expected by",
        required=False,
        widget=DateInput(),
        help_text="Required for “examination commenced”.",
    )
    reason = forms.CharField(
        label="Reason for declining",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when declining.",
    )
