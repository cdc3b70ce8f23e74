"""Forms of the providing offices: validation only; the services do the writing."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from case_portal.forms import TextBoxField, form_errors_apply

from . import numbers
from .codes import OFFICE_CODES, language_choices
from .dates import date_parse
from .models import Application, Citation, Document
from .selectors.provide import PROVIDER_SORTS
from .services import documents
from .services.applications import application_in_parse, application_numbers_read


class IsoDateInput(forms.TextInput):
    """One date format everywhere: a text box that shows and takes YYYY-MM-DD. (A native date
    picker shows the browser's locale order, e.g. mm/dd/yyyy, under help saying YYYY-MM-DD.)"""

    def __init__(self, attrs=None):
        base = {
            # The French form reads AAAA-MM-JJ; the digits typed are the same.
            "placeholder": gettext_lazy("YYYY-MM-DD"),
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


_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_PCT = re.compile(r"^PCT/?([A-Z]{2})(\d+)/(\d+)$", re.IGNORECASE)


def date_error(text: str) -> str:
    """Plain words for a date not written YYYY-MM-DD, with the ISO spellings it could mean."""
    m = _YEAR_LAST.match(text.strip())
    if m:
        a, b, year = m.groups()
        readings = []
        for day, month in ((a, b), (b, a)):
            try:
                readings.append(f"{dt.date(int(year), int(month), int(day)):%Y-%m-%d}")
            except ValueError:
                continue
        if readings:
            spelled = _(" or ").join(dict.fromkeys(readings))
            return _(
                "‘%(text)s’ is in the wrong order: write the date as YYYY-MM-DD (%(readings)s)."
            ) % {"text": text, "readings": spelled}
    return _("‘%(text)s’ is not a date: write it as YYYY-MM-DD, e.g. 2012-10-05.") % {"text": text}


def number_partial(text: str) -> str:
    """Why a typed number looks cut short ("" when it does not): the parser reads "2,123,45" as
    212,345 and "PCT/GB13/5" as PCT/GB2013/000005, so a slip would be saved as another number."""
    text = (text or "").strip()
    for group in re.findall(r"\d+(?:,\d+)+", text):
        if any(len(part) != 3 for part in group.split(",")[1:]):
            return _(
                "‘%(text)s’ looks incomplete: after a comma come three digits "
                "(e.g. 2,123,456). Check the number."
            ) % {"text": text}
    m = _PCT.match(re.sub(r"\s+", "", text))
    if m and (len(m.group(2)) not in (2, 4) or len(m.group(3)) < 5):
        return _(
            "‘%(text)s’ looks incomplete: a PCT number is PCT/, the office, the year and a serial "
            "of 5 or 6 digits, e.g. PCT/GB2013/051234."
        ) % {"text": text}
    return ""


class PatentNumberField(forms.CharField):
    """A box for one patent number in any spelling, as long as the number parser reads
    (numbers.MAX_LENGTH): every number box of the portal has the same limit."""

    def __init__(self, **kwargs):
        super().__init__(max_length=numbers.MAX_LENGTH, **kwargs)


class LanguageField(forms.ChoiceField):
    """An ISO 639-1 code from the list ("FR" and " fr" are fr); "eng" or "english" are not."""

    def __init__(self, **kwargs):
        super().__init__(choices=language_choices, **kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().lower()


class IsoDateField(forms.DateField):
    """A date typed YYYY-MM-DD, the one format shown and accepted; others get plain words."""

    input_formats = ["%Y-%m-%d"]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", IsoDateInput())
        kwargs.setdefault("help_text", gettext_lazy("YYYY-MM-DD"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, dt.date) or value in self.empty_values:
            return super().to_python(value)
        try:
            return date_parse(str(value))
        except ValueError as exc:
            raise forms.ValidationError(date_error(str(value)), code="invalid") from exc


class ApplicationForm(forms.Form):
    """Bibliographic data. The service reads the numbers (application_numbers_read) so the page
    can show them back as understood before anything is saved."""

    number = PatentNumberField(
        label=gettext_lazy("Number"),
        help_text=gettext_lazy("Any spelling, e.g. 2,123,456 or CA 2123456."),
    )
    filing_date = IsoDateField(label=gettext_lazy("Filing date"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=2000)
    applicants = TextBoxField(
        label=gettext_lazy("Applicants"),
        rows=2,
        help_text=gettext_lazy("One applicant per line."),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Application.Status.choices)
    published = forms.BooleanField(
        label=gettext_lazy("Published"),
        required=False,
        help_text=gettext_lazy("Published applications are visible to other offices."),
    )
    examination_date = IsoDateField(label=gettext_lazy("Examination date"), required=False)
    priorities = TextBoxField(
        label=gettext_lazy("Priorities"),
        rows=3,
        help_text=gettext_lazy(
            "One per line: office, number, date — e.g. US 61/111,111 2012-10-05."
        ),
    )
    publications = TextBoxField(
        label=gettext_lazy("Publications"),
        rows=2,
        help_text=gettext_lazy("One per line: number and date — e.g. CA 2,123,456 A1 2014-04-10."),
    )
    pct = PatentNumberField(
        label=gettext_lazy("PCT application"),
        required=False,
        help_text=gettext_lazy(
            "If this application entered the national phase from a PCT application."
        ),
    )

    def __init__(self, *args, office, application: Application | None = None, **kwargs):
        self.office = office
        self.application = application
        super().__init__(*args, **kwargs)
        if application is not None:
            # The number is the identity; a different number is a different application.
            self.fields["number"].disabled = True
            self.fields["number"].help_text = ""

    def clean_number(self):
        value = self.cleaned_data["number"]
        why = number_partial(value)
        if why:
            raise ValidationError(why)
        return value

    def clean_applicants(self):
        lines = self.cleaned_data["applicants"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    @staticmethod
    def _lines(text: str) -> list[dict]:
        """One item per line: the number, and a trailing date if there is one. Every line is
        checked; the ValidationError lists each bad line."""
        items, errors = [], []
        for no, line in enumerate(text.splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            when = None
            if len(parts) > 1 and _DATE_LIKE.match(parts[-1]):
                typed = parts.pop()
                try:
                    when = date_parse(typed)
                except ValueError:
                    errors.append(
                        _("Line %(line)s: %(error)s") % {"line": no, "error": date_error(typed)}
                    )
            number = " ".join(parts)
            why = number_partial(number)
            if why:
                errors.append(_("Line %(line)s: %(error)s") % {"line": no, "error": why})
            items.append({"number": number, "date": when})
        if errors:
            raise ValidationError(errors)
        return items

    def clean_priorities(self):
        return self._lines(self.cleaned_data["priorities"])

    def clean_publications(self):
        return self._lines(self.cleaned_data["publications"])

    def clean_pct(self):
        value = self.cleaned_data["pct"].strip()
        why = number_partial(value)
        if why:
            raise ValidationError(why)
        return value or None

    def clean(self):
        """The service validates, exactly as for the API: the form only turns text into items.
        Fields already in error are left out, so every problem shows at once, on its field."""
        data = super().clean()
        fields = ("number", "filing_date", "title", "applicants", "status", "published")
        fields += ("examination_date", "priorities", "publications", "pct")
        bad = set(self.errors)
        given = {name: data.get(name) for name in fields if name not in bad}
        given.setdefault("number", "")
        try:
            self.kwargs = application_in_parse(given, office=self.office)
            numbered = ("office", "number", "filing_date", "priorities", "publications", "pct")
            self.numbers = application_numbers_read(**{k: self.kwargs[k] for k in numbered})
            unknown = [
                _("%(number)s: %(office)s is not an office code (WIPO ST.3), e.g. US, EP, GB, JP.")
                % {"number": parsed.display, "office": parsed.office}
                for _number, parsed in self.numbers.priorities
                if parsed.office not in OFFICE_CODES
            ]
            if unknown:
                self.add_error("priorities", unknown)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                fresh = {k: v for k, v in exc.message_dict.items() if k not in bad}
                if fresh:
                    form_errors_apply(self, ValidationError(fresh))
            else:
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
            raise forms.ValidationError(_("Choose at least one PDF file."), code="required")
        return files


class _EveryFileInput(forms.ClearableFileInput):
    """Hands the field every file sent under its name (Django's own input keeps the last)."""

    def value_from_datadict(self, data, files, name):
        sent = files.getlist(name) if hasattr(files, "getlist") else []
        if len(sent) > 1:
            return sent
        return super().value_from_datadict(data, files, name)


class OneFileField(forms.FileField):
    """One file: several sent under its name (a crafted post, a script) are refused, not all
    but one dropped without a word."""

    widget = _EveryFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list):
            raise forms.ValidationError(
                _("One file per upload: %(count)s files were sent. Choose one file.")
                % {"count": len(data)},
                code="several",
            )
        return super().clean(data, initial)


class DocumentMetaForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Document.Category.choices)
    code = forms.CharField(
        label=gettext_lazy("Office's document code"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("e.g. ISR, OA1"),
    )
    date = IsoDateField(label=gettext_lazy("Date"))
    language = LanguageField(
        label=gettext_lazy("Language"),
        initial="en",
        help_text=gettext_lazy("The report's language (ISO 639-1 code)."),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Document.Direction.choices
    )
    before_filing_ok = forms.BooleanField(
        label=gettext_lazy("Priority document dated before the filing date"),
        required=False,
        help_text=gettext_lazy(
            "Tick only for a priority document: other documents cannot predate the filing."
        ),
    )


class DocumentUploadForm(DocumentMetaForm):
    files = MultipleFileField(
        label=gettext_lazy("PDF file(s)"),
        help_text=gettext_lazy("One or several PDFs; each gets the details below."),
    )

    field_order = ["files", "category", "code", "date", "language", "direction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class DocumentWithdrawForm(forms.Form):
    reason = TextBoxField(
        label=gettext_lazy("Reason"),
        rows=2,
        required=True,
        max_length=documents.WITHDRAWN_REASON_FIELD.max_length,
        error_messages={"required": documents.WITHDRAW_REASON_REQUIRED},
        help_text=gettext_lazy("Kept in the history; other offices no longer see the document."),
    )


class CitationForm(forms.Form):
    cited_number = PatentNumberField(
        label=gettext_lazy("Cited patent document"),
        required=False,
        help_text=gettext_lazy("Any spelling, e.g. US 8,131,731 B2 or EP-A-0 843 156."),
    )
    npl_text = TextBoxField(
        rows=2,
        label=gettext_lazy("…or non-patent literature"),
        max_length=2000,
    )
    category = forms.CharField(
        label=gettext_lazy("Category"),
        max_length=8,
        help_text=gettext_lazy("X, Y, A, P, E, D, L, O, T — several as X,Y."),
    )
    claims = forms.CharField(label=gettext_lazy("Claims concerned"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if bool(data.get("cited_number", "").strip()) == bool(data.get("npl_text", "").strip()):
            raise forms.ValidationError(
                _("Give either a cited patent number or a non-patent literature text.")
            )
        return data


CITATION_CATEGORIES = Citation.Category.choices


class ProvideListForm(forms.Form):
    """Filters and sort of the providing office's application list (GET; bad input is named
    on its field and the list still shows)."""

    q = PatentNumberField(label=gettext_lazy("Number"), required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any status")), *Application.Status.choices]
    )
    open_requests = forms.BooleanField(label=gettext_lazy("Has open requests"), required=False)
    no_reports = forms.BooleanField(label=gettext_lazy("Has no reports"), required=False)
    filed_from = IsoDateField(label=gettext_lazy("Filed from"), required=False, help_text="")
    filed_to = IsoDateField(label=gettext_lazy("Filed to"), required=False, help_text="")
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[(key, label) for key, (label, _) in PROVIDER_SORTS.items()],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("filed_from"), data.get("filed_to")
        if start and end and start > end:
            self.add_error("filed_to", _("‘Filed to’ is before ‘Filed from’."))
        return data
