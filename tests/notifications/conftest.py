"""Real parts for notification tests: a local SMTP server (aiosmtpd), real documents (PDFs made
by WeasyPrint), and Celery run in-process unless a test is about the queue."""

import datetime as dt
import socket
import threading
import uuid
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from django.core.files.base import ContentFile

from case_portal.celery import app as celery_app
from dossiers.services import applications, documents
from tests.factories import OfficeFactory, UserFactory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pdf_file(text: str | None = None) -> ContentFile:
    from weasyprint import HTML

    data = HTML(string=f"<p>{text or uuid.uuid4().hex}</p>").write_pdf()
    return ContentFile(data, name="report.pdf")


class Inbox:
    """Messages the SMTP server accepted, parsed, in arrival order."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "msg": msg})
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [m["msg"]["subject"] for m in self.messages]

    def to(self, address: str) -> list:
        return [m["msg"] for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port; returns (inbox, port)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """Django sends through the real local SMTP server."""
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return inbox


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process here; the queue tests switch this off and use a real worker."""
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def provider(db):
    return OfficeFactory(code="AU", name="IP Australia")


@pytest.fixture
def clerk(provider):
    return UserFactory(office=provider, role="clerk", email="clerk@au.test")


@pytest.fixture
def provider_admin(provider):
    return UserFactory(office=provider, role="office_admin", email="admin@au.test")


@pytest.fixture
def foreign_app(provider):
    """A published AU application (visible to every office)."""
    return applications.application_upsert(
        office=provider,
        number="AU2013123456",
        filing_date=dt.date(2013, 5, 2),
        title="Rotary valve",
        published=True,
    )


def upload(application, category="search_report", *, user=None, direction="outgoing", date=None):
    return documents.document_add(
        application=application,
        file=pdf_file(),
        category=category,
        date=date or dt.date(2026, 3, 2),
        direction=direction,
        uploaded_by=user,
    )
