"""Migration dossiers 0014: rows stored before the reader showed a DE check digit of 0 show it."""

from importlib import import_module

import pytest
from django.apps import apps

from dossiers.models import Application, PriorityClaim
from dossiers.services.applications import application_upsert
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db
refresh = import_module("dossiers.migrations.0014_refresh_de_sg_displays").refresh


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
