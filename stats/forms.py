"""The statistics page's filter: a period of whole months and the matrix figure.

The months are plain selects (every browser shows a select's value; a month input shows
"--------- ----" in some and a bare text box in others), always filled with the period shown.
"""

import re
from datetime import date, datetime
from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .ledger import month_name
from .selectors import MATRIX_METRICS, MAX_MONTHS, Period, month_add
from .services import portal_tz

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _this_month() -> date:
    return datetime.now(tz=portal_tz()).date().replace(day=1)


def _month_choices(newest: date, keep: tuple[date, ...]) -> tuple:
    return _month_choices_in(newest, keep, get_language())


@lru_cache(maxsize=64)
def _month_choices_in(newest: date, keep: tuple[date, ...], language: str) -> tuple:
    # Built once per month shown, kept and language: every statistics page draws two selects.
    months = {month_add(newest, -i) for i in range(MAX_MONTHS)} | set(keep)
    return tuple((f"{m:%Y-%m}", month_name(m)) for m in sorted(months, reverse=True))


class PlainSelect(forms.Select):
    """A plain select written out directly: Django renders each <option> through a template, and
    two selects of MAX_MONTHS months cost more than every figure on the page (the metric's two
    options through the templates: half a millisecond a view)."""

    def options(self) -> tuple:
        """(value, label) pairs, labels in the reader's language."""
        return tuple((str(value), str(label)) for value, label in self.choices)

    def render(self, name, value, attrs=None, renderer=None) -> str:
        picked = tuple(sorted(self.format_value(value)))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        options = _options(self.options(), picked)
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{options}</select>')  # noqa: S308


class MonthSelect(PlainSelect):
    months: tuple = ()  # (value, label) pairs, set by PeriodForm: kept as built, never normalised

    def options(self) -> tuple:
        return self.months


@lru_cache(maxsize=256)
def _options(choices: tuple, picked: tuple) -> str:
    """The <option>s of a select (a month select: the same few hundred on every page view)."""
    return "".join(
        f'<option value="{escape(v)}"{" selected" if str(v) in picked else ""}>'
        f"{escape(label)}</option>"
        for v, label in choices
    )


class MonthField(forms.CharField):
    widget = MonthSelect

    def to_python(self, value) -> date | None:
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2025-03."))
        if int(match[1]) > timezone.now().year + 1:  # the month after 9999-12 is no date (500)
            raise forms.ValidationError(_("Choose a month no later than next year."))
        return date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else value


class PeriodForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)
    metric = forms.ChoiceField(
        label=gettext_lazy("Matrix shows"),
        choices=[(k, label) for k, (label, _) in MATRIX_METRICS.items()],
        required=False,
        widget=PlainSelect,
    )

    def __init__(self, *args, keep: tuple[date, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # The tuple as cached: Select.choices would normalise its 120 months on every form.
        months = _month_choices(_this_month(), tuple(m for m in keep if m))
        for name in ("start", "end"):
            self.fields[name].widget.months = months

    def clean(self):
        data = super().clean()
        default = Period.last_months(12)
        end = data.get("end") or default.last
        start = data.get("start") or (month_add(end, -11) if data.get("end") else default.first)
        if start > end:
            raise forms.ValidationError(_("The first month must not come after the last month."))
        if month_add(start, MAX_MONTHS - 1) < end:
            raise forms.ValidationError(
                _("Choose at most %(months)s months (%(years)s years) at a time.")
                % {"months": MAX_MONTHS, "years": MAX_MONTHS // 12}
            )
        data["period"] = Period(start, end)
        data["metric"] = data.get("metric") or "views"
        return data


def period_from_query(query) -> tuple[PeriodForm, Period, str]:
    """The form to show plus the period and metric to show; bad input falls back to defaults.

    A valid query gives an unbound form showing the period actually shown (a missing month is
    filled in), so the pickers and the heading always agree. An invalid one keeps the bound
    form so its messages show; the page then shows the last 12 months and says so.
    """
    form = PeriodForm(query)
    if form.is_valid():
        period, metric = form.cleaned_data["period"], form.cleaned_data["metric"]
        shown = PeriodForm(
            initial={"start": period.first, "end": period.last, "metric": metric},
            keep=(period.first, period.last),
        )
        return shown, period, metric
    default = Period.last_months(12)
    return form, default, "views"


def presets(*, today: date | None = None) -> list[tuple[str, Period]]:
    """Ready-made periods: last 12 months, this year (to date), last year."""
    if today is None:
        today = datetime.now(tz=portal_tz()).date()
    this_month = today.replace(day=1)
    return [
        (gettext_lazy("Last 12 months"), Period.last_months(12, today=today)),
        (gettext_lazy("This year"), Period(date(today.year, 1, 1), this_month)),
        (
            gettext_lazy("Last year"),
            Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 1)),
        ),
    ]
