"""E-mail goes through a real SMTP server on loopback; header injection is refused."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.platform.config import Settings
from tandem.platform.errors import InvalidInput
from tandem.platform.mail import send_mail


def test_send_mail_reaches_the_smtp_server(smtp_sink: Any) -> None:
    assert send_mail(["ciso@northwind.test", ""], "Renewal notice", "Contract X: notice due in 30 days.")
    [message] = smtp_sink.messages
    assert message["To"] == "ciso@northwind.test"
    assert message["From"] == "tandem@northwind.test"
    assert message["Subject"] == "Renewal notice"
    assert "notice due in 30 days" in message.get_content()


def test_without_smtp_host_nothing_is_sent() -> None:
    assert send_mail(["a@b.test"], "s", "b", settings=Settings(smtp_host="")) is False


@pytest.mark.asvs("V1.3.11")
def test_header_injection_is_refused(smtp_sink: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        send_mail(["a@b.test"], "Hello\r\nBcc: everyone@evil.test", "b")
    assert caught.value.errors[0].location == "subject"
    assert smtp_sink.messages == []
