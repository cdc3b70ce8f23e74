from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.utils import html

from .. import numbers
from ..models import Application, Document
from ..services.applications import APPLICATION_BULK_MAX


def epo_forms(display: str, *, kind: str, filed=None) -> tuple[str | None, str | None]:
    """(docdb, epodoc) of a stored number, from its display form (which keeps the check digit
    and kind code) and its filing date; None where the EPO form cannot be derived."""
    if not display:
        return None, None
    try:
        number = numbers.normalise(display, kind=kind, filed=filed)
    except numbers.InvalidNumber:
        return None, None
    return number.docdb, number.epodoc


class EpoFormsMixin(serializers.Serializer):
    """`docdb` and `epodoc` of the row's number (EPO OPS forms; null where not derivable)."""

    epo_kind = "application"
    docdb = serializers.SerializerMethodField(help_text="EPO DOCDB form, e.g. US.201313926335.A")
    epodoc = serializers.SerializerMethodField(help_text="EPO EPODOC form, e.g. US201313926335")

    def epo_source(self, row) -> tuple[str, object]:
        return row.display, getattr(row, "filing_date", None)

    def _forms(self, row) -> tuple[str | None, str | None]:
        cache = self.context.setdefault("_epo_forms", {})
        display, filed = self.epo_source(row)
        ident = (display, self.epo_kind, filed)
        if ident not in cache:
            cache[ident] = epo_forms(display, kind=self.epo_kind, filed=filed)
        return cache[ident]

    def get_docdb(self, row) -> str | None:
        return self._forms(row)[0]

    def get_epodoc(self, row) -> str | None:
        return self._forms(row)[1]


class UnderstoodSerializer(serializers.Serializer):
    office = serializers.CharField(help_text="ST.3 code (IPOfficeCode)")
    kind = serializers.CharField(help_text="application, publication, priority or pct")
    key = serializers.CharField(help_text="Canonical key: office code + digits")
    display = serializers.CharField(help_text="The one format shown to people")
    docdb = serializers.CharField(allow_null=True)
    epodoc = serializers.CharField(allow_null=True)
    kind_code = serializers.CharField(allow_null=True)
    candidates = serializers.ListField(child=serializers.CharField())


class PrioritySerializer(EpoFormsMixin):
    office = serializers.CharField(source="office_code")
    key = serializers.CharField()
    display = serializers.CharField()
    date = serializers.DateField(allow_null=True)

    epo_kind = "priority"

    def epo_source(self, row):
        return row.display, row.date


class PublicationSerializer(EpoFormsMixin):
    key = serializers.CharField()
    display = serializers.CharField()
    kind_code = serializers.CharField()
    date = serializers.DateField(allow_null=True)

    epo_kind = "publication"

    def epo_source(self, row):
        return row.display, None


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.CharField(source="application.key")
    category = serializers.ChoiceField(choices=Document.Category.choices)
    code = serializers.CharField(help_text="The office's own document code")
    date = serializers.DateField()
    language = serializers.CharField()
    direction = serializers.ChoiceField(choices=Document.Direction.choices)
    pages = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes")
    sha256 = serializers.CharField()
    withdrawn = serializers.SerializerMethodField()
    content_url = serializers.SerializerMethodField()

    def get_withdrawn(self, doc) -> bool:
        return doc.withdrawn_at is not None

    def get_content_url(self, doc) -> str:
        return f"/api/v1/documents/{doc.pk}/content"


class ApplicationBriefSerializer(EpoFormsMixin):
    id = serializers.IntegerField()
    office = serializers.CharField(source="office.code")
    key = serializers.CharField()
    display = serializers.CharField()
    filing_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    published = serializers.BooleanField()
    family = serializers.IntegerField(source="family_id")


class PctSerializer(serializers.Serializer):
    key = serializers.CharField()
    display = serializers.CharField()
    docdb = serializers.CharField(allow_null=True)
    epodoc = serializers.CharField(allow_null=True)


class ApplicationSerializer(ApplicationBriefSerializer):
    title = serializers.CharField()
    applicants = serializers.ListField(child=serializers.CharField())
    examination_date = serializers.DateField(allow_null=True)
    priorities = PrioritySerializer(source="priority_claims", many=True)
    publications = PublicationSerializer(many=True)
    pct = serializers.SerializerMethodField()

    @extend_schema_field(PctSerializer(allow_null=True))
    def get_pct(self, app) -> dict | None:
        if not app.pct_key:
            return None
        docdb, epodoc = epo_forms(app.pct_display, kind="pct")
        return {"key": app.pct_key, "display": app.pct_display, "docdb": docdb, "epodoc": epodoc}


class MemberSerializer(ApplicationSerializer):
    documents = DocumentSerializer(source="visible_documents", many=True)


class FamilySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="family.pk")
    members = MemberSerializer(many=True)
    # No count of members the key may not see: it could only count other offices' unpublished
    # applications, and they must be undetectable (issue 18.2).


class CitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    cited_key = serializers.CharField()
    cited_display = serializers.CharField()
    npl_text = serializers.CharField()
    category = serializers.CharField()
    claims = serializers.CharField()


class ReadingSerializer(serializers.Serializer):
    understood = UnderstoodSerializer()
    applications = ApplicationBriefSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    understood = UnderstoodSerializer()
    applications = ApplicationBriefSerializer(many=True)
    did_you_mean = ReadingSerializer(
        many=True,
        help_text="Other readings of the same text that lead to shared applications too "
        "(e.g. US20130926335: an EPODOC application number and a pre-grant publication).",
    )


class PriorityInSerializer(serializers.Serializer):
    office = serializers.CharField(required=False, help_text="ST.3 code; else read from number")
    number = serializers.CharField(help_text="Any spelling")
    date = serializers.DateField(required=False, allow_null=True)


class PublicationInSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Any spelling, with or without kind code")
    date = serializers.DateField(required=False, allow_null=True)


class ApplicationInSerializer(serializers.Serializer):
    """Documents the JSON accepted; applications.application_in_parse is the validator."""

    office = serializers.CharField(required=False, help_text="The key's office (ST.3)")
    number = serializers.CharField(help_text="Application number in any spelling")
    filing_date = serializers.DateField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True)
    applicants = serializers.ListField(child=serializers.CharField(), required=False)
    status = serializers.ChoiceField(choices=Application.Status.choices, required=False)
    published = serializers.BooleanField(required=False, allow_null=True)
    examination_date = serializers.DateField(required=False, allow_null=True)
    priorities = PriorityInSerializer(many=True, required=False)
    publications = PublicationInSerializer(many=True, required=False)
    pct = serializers.CharField(required=False, allow_null=True, help_text="PCT application")


class ApplicationSavedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    display = serializers.CharField()
    family = serializers.IntegerField()
    created = serializers.BooleanField()


class BulkInSerializer(serializers.Serializer):
    applications = ApplicationInSerializer(many=True, max_length=APPLICATION_BULK_MAX)


class BulkItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "error"])
    id = serializers.IntegerField(required=False)
    key = serializers.CharField(required=False)
    display = serializers.CharField(required=False)
    family = serializers.IntegerField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class BulkSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    error = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    summary = BulkSummarySerializer()
    results = BulkItemSerializer(many=True)


class OneFileField(serializers.FileField):
    """One file: several parts named `file` are refused (DRF's own field keeps the last)."""

    def get_value(self, dictionary):
        sent = dictionary.getlist(self.field_name) if html.is_html_input(dictionary) else []
        if len(sent) > 1:
            return sent
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, list):
            raise serializers.ValidationError(
                f"One file per upload: {len(data)} files were sent as `file`; "
                "send each in its own call."
            )
        return super().to_internal_value(data)


class DocumentUploadSerializer(serializers.Serializer):
    file = OneFileField(help_text="The PDF (not encrypted, within the size limit); one per call")
    category = serializers.ChoiceField(choices=Document.Category.choices)
    code = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    # DRF's own word for 2026-02-30 is "wrong format", and the format was right: say what the
    # JSON endpoints say (dossiers/services/application_input.py).
    date = serializers.DateField(
        error_messages={"invalid": "Not a date; use YYYY-MM-DD (a day that exists)."}
    )
    language = serializers.RegexField(r"^[a-z]{2,3}$", required=False, default="en")
    direction = serializers.ChoiceField(
        choices=Document.Direction.choices, required=False, default=Document.Direction.OUTGOING
    )
    before_filing_ok = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms a priority document (claims, other) dated before the filing date",
    )


class CitationInSerializer(serializers.Serializer):
    cited_number = serializers.CharField(
        required=False, allow_blank=True, max_length=numbers.MAX_LENGTH
    )
    npl_text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    category = serializers.CharField(max_length=20, help_text="X, Y, A… or X,Y")
    claims = serializers.CharField(required=False, allow_blank=True, max_length=100)
