"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker. Browsers only accept ISO values in <input type="date">, so the
    value is always rendered as YYYY-MM-DD whatever the portal's locale formats are."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
