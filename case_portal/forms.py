"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


class TextBoxField(forms.CharField):
    """Free text typed in a box of `rows` lines (messages, reasons, lists one per line);
    optional unless `required=True`."""

    def __init__(self, *, rows: int, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)


def form_errors_apply(form, exc: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (or on top
    when the form has no such field), plain messages on `default_field` (None: on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc)
