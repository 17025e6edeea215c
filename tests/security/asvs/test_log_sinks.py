"""ASVS V16.2.3: Tandem logs only where the README says: standard error (and standard output for the server's access
lines), in the text or the JSON format, never to a file, socket or remote service of its own. Checked in a fresh
process after the logging set-up every CLI command runs and `tandem serve` adds on top, with every domain imported
(a module-level handler anywhere would show)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import importlib, json, logging, logging.config, sys
from tandem.domains import DOMAINS
from tandem.platform.api.accesslog import configure_logging, uvicorn_log_config
from tandem.platform.config import Settings
import tandem.app
for domain in DOMAINS:
    importlib.import_module(f"tandem.{domain}")
names = {id(sys.stdout): "stdout", id(sys.stderr): "stderr"}


def handlers():
    loggers = [logging.getLogger()]
    loggers += [v for v in logging.Logger.manager.loggerDict.values() if isinstance(v, logging.Logger)]
    return [[lg.name, f"{type(h).__module__}.{type(h).__qualname__}", names.get(id(getattr(h, "stream", None)),
             repr(getattr(h, "stream", None)))] for lg in loggers for h in lg.handlers]


settings = Settings(log_format=sys.argv[1])
configure_logging(settings)  # tandem.cli.main(), before any command
cli = handlers()
logging.config.dictConfig(uvicorn_log_config(settings))  # what uvicorn applies on top for `tandem serve`
print(json.dumps({"cli": cli, "serve": handlers()}))
"""
# A NullHandler writes nowhere (alembic's library default), so it is no sink.
STREAMS = {("logging.StreamHandler", "stdout"), ("logging.StreamHandler", "stderr"), ("logging.NullHandler", "None")}


@pytest.mark.asvs("V16.2.3")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_logs_go_only_to_the_standard_streams(fmt: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, fmt], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for command in ("cli", "serve"):
        assert ["root", "logging.StreamHandler", "stderr"] in found[command], command
        assert [h for h in found[command] if (h[1], h[2]) not in STREAMS] == [], command
    sinks = {name: stream for name, kind, stream in found["serve"] if kind == "logging.StreamHandler"}
    assert sinks.get("uvicorn.access") == "stdout" and sinks.get("uvicorn", "stderr") == "stderr"
