"""Settings from the environment: a bad value stops the command with the variable's name and why, and the optional
Dask scheduler link must be protected (ASVS V13.2.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tandem.platform.config import Settings, describe_invalid
from tests.support.cli import run


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("TANDEM_LOG_FORMAT", "yaml", "TANDEM_LOG_FORMAT: Input should be 'text' or 'json' (given 'yaml')"),
        ("TANDEM_WORKER_POLL_SECONDS", "soon", "TANDEM_WORKER_POLL_SECONDS: Input should be a valid number"),
        ("TANDEM_DASK_SCHEDULER", "tcp://10.20.0.5:80", "TANDEM_DASK_SCHEDULER: 'tcp://10.20.0.5:80' is a plaintext"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path, variable: str, value: str, says: str) -> None:
    result = run(tmp_path, "db", "current", settings={variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: invalid setting {says}"), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_refused_secret_is_not_echoed(tmp_path: Path) -> None:
    url = "postgresql://tandem:hunter2-not-shown@db.example/tandem"
    result = run(tmp_path, "db", "current", settings={"TANDEM_DATABASE_URL": url, "TANDEM_DENIALS_PER_MINUTE": "0"})
    assert result.returncode == 2 and "TANDEM_DENIALS_PER_MINUTE" in result.stderr
    with pytest.raises(ValidationError) as refused:
        Settings(secret_key=123)  # type: ignore[arg-type]  # not a str: refused, and the value stays out of the message
    assert "123" not in describe_invalid(refused.value)


@pytest.mark.parametrize(
    "address",
    ["", "tls://scheduler.example.org:8786", "tcp://127.0.0.1:8786", "tcp://localhost:8786", "127.0.0.5:8786",
     "tcp://[::1]:8786", "inproc://scans"],
)  # fmt: skip
def test_protected_or_local_dask_links_are_accepted(address: str) -> None:
    assert Settings(dask_scheduler=address).dask_scheduler == address


@pytest.mark.parametrize(
    "address", ["tcp://10.0.0.7:8786", "10.0.0.7:8786", "tcp://scheduler.example.org:8786", "tcp://[2001:db8::1]:8786"]
)
def test_plaintext_dask_links_off_this_machine_are_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="tls://"):
        Settings(dask_scheduler=address)
