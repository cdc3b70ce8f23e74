import datetime as dt

from django import forms

from offices.widgets import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


def test_date_picker_gets_an_iso_value_the_browser_accepts_whatever_the_locale(settings):
    settings.LANGUAGE_CODE = "en-gb"  # whose first input format is dd/mm/yyyy
    html = str(_Form(initial={"day": dt.date(2026, 12, 1)})["day"])
    assert 'type="date"' in html and 'value="2026-12-01"' in html
    assert _Form({"day": "2026-12-01"}).is_valid()
