"""FIRST EPSS daily CSV (`#model_version:…,score_date:…` comment line, then `cve,epss,percentile`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from tandem.platform.safety.errors import TooLarge

from .errors import MAX_FEED_BYTES, FeedError


@dataclass(frozen=True, slots=True)
class EpssScore:
    """Probability of exploitation activity in the next 30 days and its rank among scored CVEs."""

    score: float
    percentile: float


@dataclass(frozen=True, slots=True)
class EpssSnapshot:
    """One day's scores; never compare scores across `model_version`s."""

    model_version: str | None
    score_date: str | None
    scores: dict[str, EpssScore]


def _header(line: str) -> dict[str, str]:
    # Key:value pairs, not positions: older files carry only some of the keys.
    pairs = (p.split(":", 1) for p in line.lstrip("#").strip().split(",") if ":" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def _probability(raw: str, where: str, label: str) -> float:
    try:
        value = float(raw)  # accepts scientific notation such as 5e-05
    except ValueError as exc:
        raise FeedError(f"{label} {raw!r} is not a number", where) from exc
    if not 0.0 <= value <= 1.0:
        raise FeedError(f"{label} {value} is outside 0..1", where)
    return value


def parse_epss_csv(data: bytes | str, name: str, max_bytes: int = MAX_FEED_BYTES) -> EpssSnapshot:
    """Parse an (uncompressed) EPSS scores CSV."""
    if len(data) > max_bytes:
        raise TooLarge(f"CSV exceeds the {max_bytes}-byte limit", name)
    body = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    stream = io.StringIO(body, newline="")
    first = stream.readline()
    meta: dict[str, str] = {}
    line_no = 1
    if first.startswith("#"):
        meta = _header(first)
        header = stream.readline()
        line_no = 2
    else:
        header = first
    columns = [c.strip() for c in header.strip().split(",")]
    if columns[:3] != ["cve", "epss", "percentile"]:
        raise FeedError(f"expected header cve,epss,percentile, got {header.strip()!r}", f"{name}:{line_no}")
    scores = {}
    for offset, row in enumerate(csv.reader(stream), start=line_no + 1):
        if not row:
            continue
        where = f"{name}:{offset}"
        if len(row) < 3:
            raise FeedError(f"expected 3 fields, got {len(row)}", where)
        scores[row[0].strip()] = EpssScore(
            _probability(row[1], where, "epss"), _probability(row[2], where, "percentile")
        )
    return EpssSnapshot(meta.get("model_version"), meta.get("score_date"), scores)
