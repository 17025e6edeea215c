"""The server's log lines: credentials that travel in URLs kept out of the access log (the secret of a public link
/p/<domain>/<kind>/<token>… and the OAuth/OIDC parameters of the sign-in callback), and, with
TANDEM_LOG_FORMAT=json, one JSON object per line for the access log and the application alike (ASVS V16.2.4).

uvicorn logs each request as ('%s - "%s %s HTTP/%s" %d', client, method, path-with-query, version, status); the
filter rewrites the path argument before any handler formats it."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from tandem.platform.config import Settings

# The id of the request being served (set by the security middleware), so every line of it can carry the id the
# response's X-Request-ID header and the audit entries carry too.
REQUEST_ID: ContextVar[str | None] = ContextVar("tandem_request_id", default=None)
ACCESS_LOGGER = "uvicorn.access"

# Public link pages: /p/<domain>/<kind>/<token>[/<more>]
_LINK = re.compile(r"^(/p/[^/?#]+/[^/?#]+/)[^/?#]+")
SECRET_PARAMS = frozenset({"code", "state", "token", "access_token", "id_token", "refresh_token", "session_state"})
REDACTED = "[redacted]"


def redact_target(target: str) -> str:
    """Return a request target with link secrets and sign-in parameters replaced."""
    path, sep, query = target.partition("?")
    path = _LINK.sub(rf"\1{REDACTED}", path)
    if sep and query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="[]")
    return f"{path}{sep}{query}"


class RedactSecrets(logging.Filter):
    """A filter for uvicorn's access logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the request target of an access-log record; never drops a record."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, and for an access-log
    line its parts (client, method, path, http_version, status); a traceback goes in `exception`, as one string."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single line of JSON (newlines in any value are escaped, never emitted)."""
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }  # fmt: skip
        args = record.args
        if record.name == ACCESS_LOGGER and isinstance(args, tuple) and len(args) == 5:
            client, method, path, version, status = args
            line |= {"client": client, "method": method, "path": path, "http_version": version, "status": status}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return orjson.dumps(line, default=str).decode()


_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def uvicorn_log_config(settings: Settings) -> dict[str, Any]:
    """Return the logging config for `tandem serve`: uvicorn's own for text, JSON lines for the access log, uvicorn
    and the application (the root logger) when TANDEM_LOG_FORMAT=json."""
    from uvicorn.config import LOGGING_CONFIG  # uvicorn is only needed by the server

    if settings.log_format != "json":
        return copy.deepcopy(LOGGING_CONFIG)
    json_handler = {"class": "logging.StreamHandler", "formatter": "json"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": {**json_handler, "stream": "ext://sys.stderr"},
                     "access": {**json_handler, "stream": "ext://sys.stdout"}},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            ACCESS_LOGGER: {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": settings.log_level.upper()},
    }  # fmt: skip


def configure_logging(settings: Settings) -> None:
    """Set up the root logger of a CLI process: the text format of old, or JSON lines."""
    if settings.log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logging.basicConfig(level=settings.log_level.upper(), handlers=[handler], force=True)
    else:
        logging.basicConfig(level=settings.log_level.upper(), format=_TEXT)
