"""The access log never carries a link secret or a sign-in code: the filter rewrites uvicorn's request target."""

from __future__ import annotations

import logging

import pytest

from tandem.platform.api.accesslog import RedactSecrets, redact_target


@pytest.mark.asvs("V16.2.5")
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/p/training/quiz/k1.s3cr3t", "/p/training/quiz/[redacted]"),
        ("/p/vendors/questionnaire/k2.s3cr3t/evidence?n=1", "/p/vendors/questionnaire/[redacted]/evidence?n=1"),
        ("/auth/oidc/callback?code=abc&state=xyz", "/auth/oidc/callback?code=[redacted]&state=[redacted]"),
        ("/inventory/assets?q=web&limit=5", "/inventory/assets?q=web&limit=5"),
        ("/p/health", "/p/health"),
    ],
)
def test_targets_are_redacted(target: str, expected: str) -> None:
    assert redact_target(target) == expected


def test_the_filter_rewrites_uvicorns_record() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/p/training/document/k.s3cr3t", "1.1", 200), None)  # fmt: skip
    assert RedactSecrets().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/p/training/document/[redacted]" in record.getMessage()
