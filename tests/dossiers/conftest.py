import datetime as dt

import pytest
from django.core.files.base import ContentFile

from dossiers.models import Citation
from dossiers.services.applications import PriorityIn, PublicationIn, application_upsert
from dossiers.services.documents import document_add
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.offices.factories import OfficeFactory, UserFactory


@pytest.fixture
def family_world(db):
    """A PCT family: US first filing, PCT, national phases at EP, JP, AU; reports from US and EP."""
    offices = {c: OfficeFactory(code=c) for c in ["US", "EP", "JP", "AU", "CA"]}
    us = application_upsert(
        office=offices["US"],
        number="US 13/926,335",
        filing_date=dt.date(2013, 6, 26),
        title="Fluid coupling",
        applicants=["Acme Fluidics Inc."],
        publications=[PublicationIn("US 2014/0123456 A1", dt.date(2014, 5, 1))],
    )
    prio = [PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))]
    ep = application_upsert(
        office=offices["EP"],
        number="EP13844704.0",
        filing_date=dt.date(2013, 10, 10),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )
    jp = application_upsert(
        office=offices["JP"],
        number="JP 2015-512345",
        filing_date=dt.date(2015, 4, 1),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )
    au = application_upsert(
        office=offices["AU"],
        number="AU 2013331234",
        filing_date=dt.date(2015, 4, 2),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )
    sr = document_add(
        application=us,
        file=ContentFile(report_pdf_bytes("US search"), name="sr.pdf"),
        category="search_report",
        date=dt.date(2014, 2, 1),
        code="CTNF",
    )
    ep_sr = document_add(
        application=ep,
        file=ContentFile(report_pdf_bytes("EP search"), name="x.pdf"),
        category="search_report",
        date=dt.date(2014, 3, 1),
        code="EPO Form 1503",
    )
    ep_wo = document_add(
        application=ep,
        file=ContentFile(report_pdf_bytes("EP opinion"), name="y.pdf"),
        category="written_opinion",
        date=dt.date(2014, 3, 1),
        code="EPO Form 1703",
    )
    Citation.objects.create(
        document=sr,
        cited_key="US8131731",
        cited_display="US 8,131,731 B2",
        category="X",
        claims="1-5",
    )
    Citation.objects.create(
        document=ep_sr,
        cited_key="US8131731",
        cited_display="US 8,131,731 B2",
        category="Y",
        claims="1",
    )
    Citation.objects.create(
        document=ep_sr, npl_text="Smith, Couplings, J. Fluids 12 (2010)", category="A"
    )
    return {
        "offices": offices,
        "us": us,
        "ep": ep,
        "jp": jp,
        "au": au,
        "docs": {"us_sr": sr, "ep_sr": ep_sr, "ep_wo": ep_wo},
        "au_examiner": UserFactory(office=offices["AU"], email="examiner@au.test"),
        "ca_examiner": UserFactory(office=offices["CA"], email="examiner@ca.test"),
    }
