"""ASVS V16.2.4: with TANDEM_LOG_FORMAT=json a real server writes one JSON object per line (time, level, logger,
message, request id; the access line's method, path and status), for the access log and the application alike,
even when a message or a traceback spans lines; the text format stays the default."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tandem.app import create_app
from tandem.platform.api.accesslog import uvicorn_log_config
from tandem.platform.config import get_settings
from tests.support.live import Live, free_port

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "tandem")


@pytest.fixture
def saved_logging() -> Iterator[None]:
    """uvicorn applies its logging config process-wide; put everything back afterwards."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.filters[:]) for lg in loggers]
    yield
    for logger, handlers, level, propagate, filters in saved:
        for handler in logger.handlers[:]:
            if handler not in handlers:
                handler.close()
        logger.handlers[:], logger.level, logger.propagate, logger.filters[:] = handlers, level, propagate, filters


def _to_file(config: dict[str, Any], path: Path) -> dict[str, Any]:
    config = copy.deepcopy(config)
    for handler in config["handlers"].values():
        handler.pop("stream", None)
        handler.update({"class": "logging.FileHandler", "filename": str(path), "encoding": "utf-8"})
    return config


def _serve(live: Live, config: dict[str, Any]) -> tuple[str, uvicorn.Server, threading.Thread, Any]:
    app = create_app(get_settings(), live.db)

    def boom(rest: str) -> None:
        raise RuntimeError("boom\nsecond line of the error")

    app.add_api_route("/api/v1/asvs-json/{rest}", boom)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=config, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread, app


@pytest.mark.asvs("V16.2.4")
def test_every_line_is_one_json_object(
    live: Live, tmp_path: Path, settings_env: Callable[..., None], saved_logging: None
) -> None:
    settings_env(log_format="json")
    log_file = tmp_path / "server.log"
    base, server, thread, _ = _serve(live, _to_file(uvicorn_log_config(get_settings()), log_file))
    try:
        with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {live.tokens['admin']}"}) as c:
            ok = c.get("/api/v1/auth/me", params={"q": "a\nb"})
            failed = c.get("/api/v1/asvs-json/x%0AFAKE%20INFO%20line")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert ok.status_code == 200 and failed.status_code == 500
    lines = log_file.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    assert records and all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    mine = next(r for r in access if r["path"].startswith("/api/v1/auth/me"))
    assert mine["method"] == "GET" and mine["status"] == 200 and mine["request_id"] == ok.headers["x-request-id"]
    error = next(r for r in records if r["level"] == "ERROR" and "asvs-json" in r["message"])
    assert "second line of the error" in error["exception"] and error["request_id"] == failed.headers["x-request-id"]
    assert any(r["logger"] == "uvicorn.error" and "Started server" in r["message"] for r in records)


@pytest.mark.asvs("V16.2.4")
def test_text_stays_the_default() -> None:
    assert get_settings().log_format == "text"
    config = uvicorn_log_config(get_settings())
    assert config["formatters"]["access"]["()"] == "uvicorn.logging.AccessFormatter"
