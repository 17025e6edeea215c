"""SQL sources: check the URL, open the database read-only, sample each table's rows and scan them per column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, table
from sqlalchemy import column as sql_column
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from tandem.data.discovery import Scanner
from tandem.data.discovery.context import type_for_key
from tandem.data.files import confine
from tandem.data.results import summarise_table
from tandem.platform.safety.urls import check_url

BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MAX_CELL = 1000


class BadDatabaseURL(ValueError):
    """The URL names an unsupported backend, embeds a password, or reaches a host it may not."""


def looks_like_url(source: str) -> bool:
    """Return whether a scan source is a database URL rather than a path."""
    head = source.split("://", 1)[0] if "://" in source else ""
    return bool(head) and head.split("+", 1)[0] in BACKENDS


def check_db_url(raw: str, roots: list[Path], allow_hosts: set[str]) -> URL:
    """Validate a scan URL: known backend, no embedded password, SQLite files inside the roots, host guard."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise BadDatabaseURL(f"not a database URL: {exc}") from None
    backend = BACKENDS.get(url.get_backend_name())
    if backend is None:
        raise BadDatabaseURL(f"unsupported database {url.get_backend_name()!r} (PostgreSQL, SQLite, MySQL/MariaDB)")
    if url.password:
        raise BadDatabaseURL("put no password in the URL: use ~/.pgpass, PGPASSWORD or an option file on the worker")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BadDatabaseURL("a SQLite URL must name a database file")
        path, _ = confine(url.database.removeprefix("file:").split("?", 1)[0], roots)
        return url.set(database=str(path), query={})
    host = (url.host or "").lower()
    if host and host not in LOOPBACK and host not in allow_hosts:
        check_url(f"http://{host}:{url.port or 80}/", allow_hosts)  # refuses private, link-local, metadata …
    return url


def open_readonly(url: URL) -> Engine:
    """Open a database so that no statement can write: read-only file mode or read-only transactions."""
    backend = BACKENDS[url.get_backend_name()]
    if backend == "sqlite":
        ro = f"sqlite:///file:{url.database}?mode=ro&uri=true"
        return create_engine(ro, poolclass=NullPool)
    args: dict[str, Any] = {"connect_timeout": 10}
    if backend == "postgresql":
        args["options"] = "-c default_transaction_read_only=on -c statement_timeout=60000"
    engine = create_engine(url, poolclass=NullPool, connect_args=args)

    @event.listens_for(engine, "begin")
    def _read_only(conn: Any) -> None:
        if backend == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        else:
            conn.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")

    return engine


def table_names(engine: Engine) -> list[str]:
    """Return the default schema's tables."""
    return sorted(inspect(engine).get_table_names())


def sample(engine: Engine, name: str, rows: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Return a table's column names and up to `rows` rows."""
    columns = [c["name"] for c in inspect(engine).get_columns(name)]
    stmt: Any = select(*[sql_column(c) for c in columns]).select_from(table(name)).limit(rows)
    with engine.connect() as conn:
        return columns, [tuple(r) for r in conn.execute(stmt)]


def as_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Render sampled rows as CSV with the column names as header, so names give values their context."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None or isinstance(v, bytes | bytearray) else str(v)[:MAX_CELL] for v in row])
    return buffer.getvalue()


def scan_table(engine: Engine, name: str, rows: int, key: bytes) -> list[dict[str, Any]]:
    """Sample one table and return its table object and the column objects with findings or name hints."""
    columns, data = sample(engine, name, rows)
    hints = {c: hint.value for c in columns if (hint := type_for_key(c)) is not None}
    result = Scanner(key).scan_text(as_csv(columns, data), path=name, delimited=True)
    objects = summarise_table(result, name, columns, hints)
    objects[0]["size"] = len(data)
    return objects


def scan_database(url: URL, rows: int, key: bytes) -> Iterator[tuple[str, int, list[dict[str, Any]]]]:
    """Yield (table, table count, objects) for every table of the database, read-only."""
    engine = open_readonly(url)
    try:
        names = table_names(engine)
        for name in names:
            yield name, len(names), scan_table(engine, name, rows, key)
    finally:
        engine.dispose()
