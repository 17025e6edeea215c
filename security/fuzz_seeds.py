"""Real identifiers for the fuzzer: without them most `/{id}` operations only ever answer 404 and the fuzzer never
reaches their logic. We list every collection the read token can see, follow nested collections once, and give
schemathesis one dictionary of real values per path-parameter name, used on most (not all) generated cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

PARAM = re.compile(r"\{([^}]+)\}")
PER_NAME = 8  # enough to survive a few DELETEs on the write pass
PROBABILITY = 0.7  # the rest stay random: unknown ids must still answer 404, never 500


def _items(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    try:
        response = client.get(path, params={"limit": PER_NAME})
    except httpx.HTTPError:
        return []
    if response.status_code != 200 or "json" not in response.headers.get("content-type", ""):
        return []
    body = response.json()
    items = body.get("items") if isinstance(body, dict) else body
    return [item for item in items or [] if isinstance(item, dict)]


def _is_self(item: dict[str, Any], me: str, token: str) -> bool:
    """The fuzzing user, or the very token it presents (`tdm_<prefix>_<secret>`; token lists show the prefix)."""
    prefix = str(item.get("prefix") or "")
    if prefix and f"_{prefix}_" in token:
        return True
    return bool(me) and me in (str(item.get("id")), str(item.get("user_id")))


def harvest(client: httpx.Client, paths: dict[str, Any], me: str = "", token: str = "") -> dict[str, list[str]]:
    """Return real values per path-parameter name, from the list operation just above each `{param}`.

    The fuzzing user's own record and credentials are left out: a fuzzed PATCH or DELETE on them would lock the
    rest of the run out (every later case a 401), which tests nothing."""
    values: dict[str, list[str]] = {}
    done: set[str] = set()
    templates = [p for p in paths if "{" in p]
    for _ in range(3):  # nested collections need their parent's id first
        for template in templates:
            for match in PARAM.finditer(template):
                name, parent = match.group(1), template[: match.start()].rstrip("/")
                if parent in done or "get" not in paths.get(parent, {}):
                    continue
                if not all(values.get(n) for n in PARAM.findall(parent)):
                    continue
                done.add(parent)
                concrete = PARAM.sub(lambda m: values[m.group(1)][0], parent)
                found = values.setdefault(name, [])
                for item in _items(client, concrete):
                    if _is_self(item, me, token):
                        continue
                    value = item.get(name, item.get("id"))
                    if isinstance(value, str | int) and str(value) not in found and len(found) < PER_NAME:
                        found.append(str(value))
    return {name: found for name, found in values.items() if found}


def write_config(values: dict[str, list[str]], target: Path) -> Path:
    """Write a schemathesis.toml binding each path parameter to its dictionary of real values."""
    lines = []
    for name, found in sorted(values.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(found)}", ""]
    lines.append("[parameters]")
    for name in sorted(values):
        lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = {PROBABILITY} }}')
    target.write_text("\n".join(lines) + "\n")
    return target


def seed(base_url: str, token: str, target: Path) -> tuple[Path, int]:
    """Harvest with a read token and write the config; return it and how many parameter names got values."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        paths = client.get("/api/openapi.json").json()["paths"]
        me = str(client.get("/api/v1/auth/me").json().get("id", ""))
        values = harvest(client, paths, me, token)
    return write_config(values, target), len(values)
