"""Forms of the providing offices: validation only; the services do the writing."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from case_portal.forms import form_errors_apply
from offices.widgets import DateInput

from .dates import date_parse
from .models import Application, Citation, Document
from .services.applications import application_in_parse, application_numbers_read


class IsoDateInput(forms.TextInput):
    """One date format everywhere: a text box that shows and takes YYYY-MM-DD. (A native date
    picker shows the browser's locale order, e.g. mm/dd/yyyy, under help saying YYYY-MM-DD.)"""

    def __init__(self, attrs=None):
        base = {
            "placeholder": "YYYY-MM-DD",
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "class": "date-input",
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m-%d")
        return super().format_value(value)


language_code = RegexValidator(r"^[a-z]{2,3}$", "Use an ISO 639 code such as en, fr or ja.")


def _date(text: str, line_no: int, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return date_parse(text)
    except ValueError as exc:
        raise forms.ValidationError(
            f"Line {line_no}: {text!r} is not a date; write it as YYYY-MM-DD.", code=field
        ) from exc


class ApplicationForm(forms.Form):
    """Bibliographic data. The service reads the numbers (application_numbers_read) so the page
    can show them back as understood before anything is saved."""

    number = forms.CharField(
        max_length=100,
        help_text="Any spelling, e.g. 2,123,456 or CA 2123456.",
    )
    filing_date = forms.DateField(required=False, widget=DateInput(), help_text="YYYY-MM-DD")
    title = forms.CharField(required=False, max_length=2000)
    applicants = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One applicant per line.",
    )
    status = forms.ChoiceField(choices=Application.Status.choices)
    published = forms.BooleanField(
        required=False, help_text="Published applications are visible to other offices."
    )
    examination_date = forms.DateField(required=False, widget=DateInput())
    priorities = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: office, number, date — e.g. US 61/111,111 2012-10-05.",
    )
    publications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: number and date — e.g. CA 2,123,456 A1 2014-04-10.",
    )
    pct = forms.CharField(
        label="PCT application",
        required=False,
        max_length=100,
        help_text="If this application entered the national phase from a PCT application.",
    )

    def __init__(self, *args, office, application: Application | None = None, **kwargs):
        self.office = office
        self.application = application
        super().__init__(*args, **kwargs)
        if application is not None:
            # The number is the identity; a different number is a different application.
            self.fields["number"].disabled = True
            self.fields["number"].help_text = ""

    def clean_applicants(self):
        lines = self.cleaned_data["applicants"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    @staticmethod
    def _lines(text: str, field: str) -> list[dict]:
        """One item per line: the number, and a trailing YYYY-MM-DD date if there is one."""
        items = []
        for no, line in enumerate(text.splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            when = None
            if len(parts) > 1 and len(parts[-1]) == 10 and parts[-1][4] == "-":
                when = _date(parts.pop(), no, field)
            items.append({"number": " ".join(parts), "date": when})
        return items

    def clean_priorities(self):
        return self._lines(self.cleaned_data["priorities"], "priorities")

    def clean_publications(self):
        return self._lines(self.cleaned_data["publications"], "publications")

    def clean_pct(self):
        return self.cleaned_data["pct"].strip() or None

    def clean(self):
        """The service validates, exactly as for the API: the form only turns text into items."""
        data = super().clean()
        if self.errors:
            return data
        fields = ("number", "filing_date", "title", "applicants", "status", "published")
        fields += ("examination_date", "priorities", "publications", "pct")
        try:
            self.kwargs = application_in_parse(
                {name: data.get(name) for name in fields}, office=self.office
            )
            numbered = ("office", "number", "filing_date", "priorities", "publications", "pct")
            self.numbers = application_numbers_read(**{k: self.kwargs[k] for k in numbered})
        except ValidationError as exc:
            form_errors_apply(self, exc)
        return data

    def understood(self) -> dict:
        """What the numbers were read as, for the confirmation step."""
        return {
            "number": self.numbers.number,
            "priorities": self.numbers.priorities,
            "publications": self.numbers.publications,
            "pct": self.numbers.pct,
        }

    def fingerprint(self) -> str:
        """Changes whenever what would be saved changes; the confirmation must match it."""
        u = self.understood()
        parts = [u["number"].key, *(p.key for _, p in u["priorities"])]
        parts += [p.key + (p.kind_code or "") for _, p in u["publications"]]
        parts.append(u["pct"].key if u["pct"] else "")
        return "|".join(parts)

    def upsert_kwargs(self) -> dict:
        return dict(self.kwargs)

    @staticmethod
    def initial_for(app: Application) -> dict:
        return {
            "number": app.display,
            "filing_date": app.filing_date,
            "title": app.title,
            "applicants": "\n".join(app.applicants),
            "status": app.status,
            "published": app.published,
            "examination_date": app.examination_date,
            "priorities": "\n".join(
                f"{p.display} {p.date or ''}".strip() for p in app.priority_claims.all()
            ),
            "publications": "\n".join(
                f"{p.display} {p.date or ''}".strip() for p in app.publications.all()
            ),
            "pct": app.pct_display,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Collects every selected file; each is validated by the service so one bad file is named
    and the good ones still go in."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise forms.ValidationError("Choose at least one PDF file.", code="required")
        return files


class DocumentMetaForm(forms.Form):
    category = forms.ChoiceField(choices=Document.Category.choices)
    code = forms.CharField(
        label="Office's document code", required=False, max_length=40, help_text="e.g. ISR, OA1"
    )
    date = forms.DateField(widget=DateInput())
    language = forms.CharField(max_length=3, initial="en", help_text="ISO 639 code: en, fr, ja…")
    direction = forms.ChoiceField(choices=Document.Direction.choices)

    def clean_language(self):
        value = self.cleaned_data["language"].strip().lower()
        language_code(value)
        return value


class DocumentUploadForm(DocumentMetaForm):
    files = MultipleFileField(
        label="PDF file(s)",
        help_text="One or several PDFs; each gets the details below.",
    )

    field_order = ["files", "category", "code", "date", "language", "direction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class DocumentWithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history; other offices no longer see the document.",
    )


class CitationForm(forms.Form):
    cited_number = forms.CharField(
        label="Cited patent document",
        required=False,
        max_length=100,
        help_text="Any spelling, e.g. US 8,131,731 B2 or EP-A-0 843 156.",
    )
    npl_text = forms.CharField(
        label="…or non-patent literature",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category = forms.CharField(
        max_length=8,
        help_text="X, Y, A, P, E, D, L, O, T — several as X,Y.",
    )
    claims = forms.CharField(label="Claims concerned", required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if bool(data.get("cited_number", "").strip()) == bool(data.get("npl_text", "").strip()):
            raise forms.ValidationError(
                "Give either a cited patent number or a non-patent literature text."
            )
        return data


CITATION_CATEGORIES = Citation.Category.choices
