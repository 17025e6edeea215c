"""Keep credentials that travel in URLs out of the server's access log: the secret of a public link
(/p/<domain>/<kind>/<token>…) and the OAuth/OIDC parameters of the sign-in callback (code, state, tokens).

uvicorn logs each request as ('%s - "%s %s HTTP/%s" %d', client, method, path-with-query, version, status); the
filter rewrites the path argument before any handler formats it."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode

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
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
