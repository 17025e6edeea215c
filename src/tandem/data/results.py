"""Reduce a discovery ScanResult to storable summaries per file, table or column, and diff two scans (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from tandem.data.discovery import Finding, ScanResult

MAX_SAMPLES = 3  # masked previews per type and object
MAX_HASHES = 50  # keyed hashes per type and object (enough to match known values, bounded row size)
MAX_COMBOS = 20


def summarise(findings: Iterable[Finding], cooccurrence: Mapping[str, Iterable[Any]] | None = None) -> dict[str, Any]:
    """Return counts, best confidence, masked samples and keyed hashes per type, and co-occurring type sets."""
    counts: Counter[str] = Counter()
    confidence: dict[str, float] = {}
    samples: dict[str, list[str]] = {}
    hashes: dict[str, list[str]] = {}
    for f in findings:
        kind = f.type.value
        counts[kind] += 1
        confidence[kind] = max(confidence.get(kind, 0.0), float(f.confidence))
        shown = samples.setdefault(kind, [])
        if len(shown) < MAX_SAMPLES and f.masked not in shown:
            shown.append(f.masked)
        seen = hashes.setdefault(kind, [])
        if len(seen) < MAX_HASHES and f.value_hash not in seen:
            seen.append(f.value_hash)
    return {
        "type_counts": dict(sorted(counts.items())),
        "confidence": {k: round(v, 3) for k, v in sorted(confidence.items())},
        "samples": samples,
        "value_hashes": hashes,
        "cooccurrence": combos(cooccurrence or {}),
        "finding_count": sum(counts.values()),
    }


def combos(cooccurrence: Mapping[str, Iterable[Any]]) -> list[list[Any]]:
    """Count the sets of two or more types found together in one row, line or document: [[types], count]."""
    counter: Counter[tuple[str, ...]] = Counter()
    for types in dict(cooccurrence).values():
        names = tuple(sorted({str(getattr(t, "value", t)) for t in types}))
        if len(names) >= 2:
            counter[names] += 1
    return [[list(names), n] for names, n in counter.most_common(MAX_COMBOS)]


def summarise_file(result: ScanResult) -> dict[str, Any]:
    """Summarise a whole file (archive members included) as one object."""
    summary = summarise(result.findings, result.cooccurrence)
    summary["errors"] = [e[:500] for e in result.errors[:20]]
    return summary


def summarise_table(
    result: ScanResult, table: str, columns: list[str], hints: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Summarise a sampled table: one object for the table (row co-occurrence) and one per column of interest."""
    by_column: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_column.setdefault(f.location.column or "", []).append(f)
    table_obj = {"kind": "table", "path": table, "column": "", **summarise(result.findings, result.cooccurrence)}
    table_obj["errors"] = [e[:500] for e in result.errors[:20]]
    objects = [table_obj]
    for column in columns:
        found = by_column.get(column, [])
        if not found and column not in hints:
            continue
        obj = {"kind": "column", "path": table, "column": column, **summarise(found), "errors": []}
        obj["hints"] = [hints[column]] if column in hints else []
        objects.append(obj)
    return objects


def object_key(obj: Mapping[str, Any]) -> str:
    """Name an object for diffs and display: path, or table.column."""
    return f"{obj['path']}.{obj['column']}" if obj.get("column") else str(obj["path"])


def diff(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Return which types appeared in or disappeared from which objects, and count changes, between two scans."""
    old = {object_key(o): o.get("type_counts") or {} for o in before if o.get("kind") != "table"}
    new = {object_key(o): o.get("type_counts") or {} for o in after if o.get("kind") != "table"}
    appeared, disappeared, changed = [], [], []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, {}), new.get(key, {})
        for entity in sorted(set(a) | set(b)):
            was, now = int(a.get(entity, 0)), int(b.get(entity, 0))
            row = {"object": key, "type": entity, "before": was, "after": now}
            if was == 0 and now > 0:
                appeared.append(row)
            elif was > 0 and now == 0:
                disappeared.append(row)
            elif was != now:
                changed.append(row)
    return {
        "appeared": appeared,
        "disappeared": disappeared,
        "changed": changed,
        "new_objects": sorted(set(new) - set(old)),
        "removed_objects": sorted(set(old) - set(new)),
    }


def headline(change: Mapping[str, Any], store: str, since: str) -> list[str]:
    """Say the diff in sentences: "US_SSN appeared in 2 objects of Marketing share since 2026-01-05"."""
    lines = []
    by_type: dict[str, list[str]] = {}
    for row in change.get("appeared", []):
        by_type.setdefault(row["type"], []).append(row["object"])
    for entity, objects in sorted(by_type.items()):
        where = ", ".join(objects[:3]) + (f" and {len(objects) - 3} more" if len(objects) > 3 else "")
        lines.append(f"{entity} appeared in {store} since {since}: {where}")
    gone: dict[str, int] = {}
    for row in change.get("disappeared", []):
        gone[row["type"]] = gone.get(row["type"], 0) + 1
    lines += [f"{entity} no longer found in {n} object(s) of {store}" for entity, n in sorted(gone.items())]
    return lines
