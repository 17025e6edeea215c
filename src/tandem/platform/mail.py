"""Outbound e-mail for reminders and alerts, through the SMTP server the settings name."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tandem.platform.config import Settings, get_settings
from tandem.platform.errors import InvalidInput

log = logging.getLogger("tandem.mail")


def _clean_header(value: str, field: str) -> str:
    # A CR or LF in a header would let a record's text inject headers or a second message.
    if "\r" in value or "\n" in value:
        raise InvalidInput.one(field, "must be a single line")
    return value


def build_message(sender: str, to: Sequence[str], subject: str, body: str) -> EmailMessage:
    """Return a plain-text message with safe headers."""
    message = EmailMessage()
    message["From"] = _clean_header(sender, "from")
    message["To"] = ", ".join(_clean_header(address, "to") for address in to)
    message["Subject"] = _clean_header(subject, "subject")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body)
    return message


def send_mail(to: Sequence[str], subject: str, body: str, *, settings: Settings | None = None) -> bool:
    """Send a plain-text e-mail; return False (sending nothing) when no SMTP server is configured."""
    settings = settings or get_settings()
    recipients = [address for address in to if address]
    if not settings.smtp_host or not recipients:
        return False
    message = build_message(settings.smtp_from, recipients, subject, body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
    log.info("sent %r to %d recipient(s)", subject, len(recipients))
    return True
