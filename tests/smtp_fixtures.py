"""A real SMTP server (aiosmtpd) for the tests that read the e-mail a person receives; a plugin
listed in tests/conftest.py."""

import threading
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from tests.support import free_port


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


@pytest.fixture
def smtp_down(smtp, settings):
    """Django sends to a port nobody listens on, as when the mail server is down; returns
    (inbox, back): back() points Django at the real server again."""
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there

    def back():
        settings.EMAIL_PORT = port

    return smtp, back
