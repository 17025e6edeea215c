"""Run the real `tandem` executable against a private data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TANDEM = str(Path(sys.executable).with_name("tandem"))


def run(
    data_dir: Path,
    *args: str,
    database_url: str | None = None,
    input_text: str | None = None,
    settings: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `tandem args…` with TANDEM_DATA_DIR=data_dir (and any other settings) and return the completed process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(settings or {})
    env["TANDEM_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    if database_url:
        env["TANDEM_DATABASE_URL"] = database_url
        env["TANDEM_DATABASE_REQUIRE_AUTH"] = "false"  # the test PostgreSQL trusts loopback connections
    return subprocess.run(
        [TANDEM, *args], env=env, capture_output=True, text=True, timeout=300, input=input_text, check=False
    )
