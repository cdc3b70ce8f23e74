"""Migrations dossiers 0014, 0015 and 0016: rows stored before show what the reader shows today."""

from importlib import import_module

import pytest
from django.apps import apps

from dossiers.models import Application, PriorityClaim
from dossiers.services.applications import application_upsert
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db
refresh = import_module("dossiers.migrations.0014_refresh_de_sg_displays").refresh
refresh_latin_america = import_module("dossiers.migrations.0015_refresh_mx_ar_co_displays").refresh
refresh_za = import_module("dossiers.migrations.0016_refresh_za_displays").refresh


def test_de_applications_stored_without_their_check_digit_0_show_it():
    de = OfficeFactory(code="DE", name="DPMA")
    # DE 10 2006 032 425.0: a real application (EPO OPS Reference Guide), check digit 0.
    app = application_upsert(office=de, number="DE 10 2006 032 425.0")
    other = application_upsert(office=de, number="DE 10 2013 123 456.9")
    Application.objects.filter(pk=app.pk).update(display="DE 10 2006 032 425")  # as stored before
    PriorityClaim.objects.create(
        application=other, office_code="DE", key=app.key, display="DE 10 2006 032 425"
    )
    refresh(apps, None)
    app.refresh_from_db()
    assert app.display == "DE 10 2006 032 425.0"
    assert PriorityClaim.objects.get(application=other).display == "DE 10 2006 032 425.0"
    other.refresh_from_db()
    assert other.display == "DE 10 2013 123 456.9"  # already right: left as it was


def test_mexican_and_colombian_applications_stored_before_show_their_offices_forms():
    mx = OfficeFactory(code="MX", name="IMPI")
    co = OfficeFactory(code="CO", name="SIC")
    # MX/a/2017/002789 and CO 15-123456, as the generic reader stored them
    app = application_upsert(office=mx, number="MX/a/2017/002789")
    old = application_upsert(office=co, number="CO 15-123456")
    Application.objects.filter(pk=app.pk).update(display="MX 2017002789")
    Application.objects.filter(pk=old.pk).update(display="CO 15123456")
    PriorityClaim.objects.create(
        application=old, office_code="MX", key=app.key, display="MX 2017002789"
    )
    refresh_latin_america(apps, None)
    app.refresh_from_db()
    old.refresh_from_db()
    assert (app.key, app.display) == ("MX2017002789", "MX/a/2017/002789")
    assert (old.key, old.display) == ("CO15123456", "CO 15-123456")
    assert PriorityClaim.objects.get(application=old).display == "MX/a/2017/002789"


def test_south_african_applications_stored_before_show_cipcs_form():
    za = OfficeFactory(code="ZA", name="CIPC")
    # ZA 2022/08038: the application of ZA.202208038.B (OPS), as the generic reader stored it
    app = application_upsert(office=za, number="ZA 2022/08038")
    Application.objects.filter(pk=app.pk).update(display="ZA 202208038")
    PriorityClaim.objects.create(
        application=app, office_code="ZA", key="ZA202208038", display="ZA 202208038"
    )
    refresh_za(apps, None)
    app.refresh_from_db()
    assert (app.key, app.display) == ("ZA202208038", "ZA 2022/08038")
    assert PriorityClaim.objects.get(application=app).display == "ZA 2022/08038"
