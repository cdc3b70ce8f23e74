"""The statistics page's filter: a period of whole months and the matrix figure."""

import re
from datetime import date

from django import forms
from django.utils import timezone

from .selectors import MATRIX_METRICS, MAX_MONTHS, Period, month_add

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    widget = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value) -> date | None:
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError("Enter a month as YYYY-MM, e.g. 2025-03.")
        if int(match[1]) > timezone.now().year + 1:  # the month after 9999-12 is no date (500)
            raise forms.ValidationError("Choose a month no later than next year.")
        return date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else value


class PeriodForm(forms.Form):
    start = MonthField(label="From month", required=False)
    end = MonthField(label="To month", required=False)
    metric = forms.ChoiceField(
        label="Matrix shows",
        choices=[(k, label) for k, (label, _) in MATRIX_METRICS.items()],
        required=False,
    )

    def clean(self):
        data = super().clean()
        default = Period.last_months(12)
        end = data.get("end") or default.last
        start = data.get("start") or (month_add(end, -11) if data.get("end") else default.first)
        if start > end:
            raise forms.ValidationError("The first month must not come after the last month.")
        if month_add(start, MAX_MONTHS - 1) < end:
            raise forms.ValidationError(
                f"Choose at most {MAX_MONTHS} months ({MAX_MONTHS // 12} years) at a time."
            )
        data["period"] = Period(start, end)
        data["metric"] = data.get("metric") or "views"
        return data


def period_from_query(query) -> tuple[PeriodForm, Period, str]:
    """Bound form plus the period and metric to show; bad input falls back to the defaults."""
    form = PeriodForm(query)
    if form.is_valid():
        return form, form.cleaned_data["period"], form.cleaned_data["metric"]
    default = Period.last_months(12)
    return form, default, "views"
