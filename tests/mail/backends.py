"""E-mail backends that fail the way real SMTP servers do, for the outbox tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class DisconnectingBackend(BaseEmailBackend):
    """The server hangs up: a transient failure worth retrying."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    """The server refuses the recipient: retrying cannot help."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


class FlakyBackend(LocmemBackend):
    """Hangs up on the first message it is given, then delivers like the in-memory backend."""

    failures_left = 1

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class CountingBackend(LocmemBackend):
    """Delivers like the in-memory backend and counts the connections opened to the server."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


class UnreachableBackend(BaseEmailBackend):
    """The relay refuses the connection itself: nothing can be sent now."""

    sends = 0

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        UnreachableBackend.sends += 1
        raise AssertionError("nothing is sent without a connection")
