"""Dossiers made through the services, as the portal makes them (numbers parsed, families joined,
files checked and stored)."""

import datetime as dt

import factory
from django.core.files.base import ContentFile

from dossiers.models import Application, Document
from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.offices.factories import OfficeFactory


class ApplicationFactory(factory.Factory):
    class Meta:
        model = Application

    office = factory.SubFactory(OfficeFactory, code="CA")
    number = factory.Sequence(lambda n: f"CA {3_500_000 + n}")
    published = True

    @classmethod
    def _create(cls, model_class, **kwargs):
        return application_upsert(**kwargs)


class DocumentFactory(factory.Factory):
    """A real text PDF on an application; `pages` sets its length, `text` its title."""

    class Meta:
        model = Document

    class Params:
        pages = 1
        # Distinct by default: the portal refuses the same file twice on one application.
        text = factory.LazyAttributeSequence(
            lambda o, n: f"{o.application.display} {o.category} {o.date} #{n}"
        )

    application = factory.SubFactory(ApplicationFactory)
    category = "search_report"
    date = dt.date(2026, 3, 2)
    direction = Document.Direction.OUTGOING
    uploaded_by = None
    file = factory.LazyAttribute(
        lambda o: ContentFile(report_pdf_bytes(o.text, pages=o.pages), name="report.pdf")
    )

    @classmethod
    def _create(cls, model_class, **kwargs):
        return document_add(**kwargs)
