"""Real identifiers for the fuzzer: without them most `/{id}` operations only ever answer 404 and the fuzzer never
reaches their logic. We list every collection the read token can see, follow nested collections once, and give
schemathesis one dictionary of real values per collection and path parameter, used on most (not all) generated
cases."""

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


def _collection(template: str, match: re.Match[str]) -> str:
    """The list path just above a `{param}`: /a/{x}/b/{y} → /a/{x}/b for y."""
    return template[: match.start()].rstrip("/")


def _concrete(template: str, found: dict[tuple[str, str], list[str]]) -> str | None:
    """The template with its first real value in every `{param}`, or None while one has none yet."""
    for match in reversed(list(PARAM.finditer(template))):  # from the end, so earlier offsets hold
        values = found.get((_collection(template, match), match.group(1)))
        if not values:
            return None
        template = template[: match.start()] + values[0] + template[match.end() :]
    return template


def harvest(
    client: httpx.Client, paths: dict[str, Any], me: str = "", token: str = ""
) -> dict[tuple[str, str], list[str]]:
    """Return real values per (collection path, parameter name), from the list operation just above each `{param}`.

    Keyed by collection rather than by name alone: `item_id` names an application, an asset, a software item and
    thirty more, and one shared list would send asset ids to the application routes (404 every time). The fuzzing
    user's own record and credentials are left out: a fuzzed PATCH or DELETE on them would lock the rest of the run
    out (every later case a 401), which tests nothing."""
    found: dict[tuple[str, str], list[str]] = {}
    templates = [p for p in paths if "{" in p]
    for _ in range(3):  # nested collections need their parent's id first
        for template in templates:
            for match in PARAM.finditer(template):
                key = (_collection(template, match), match.group(1))
                if key in found or "get" not in paths.get(key[0], {}):
                    continue
                concrete = _concrete(key[0], found)
                if concrete is None:
                    continue
                values = found[key] = []
                for item in _items(client, concrete):
                    if _is_self(item, me, token):
                        continue
                    value = item.get(key[1], item.get("id"))
                    if isinstance(value, str | int) and str(value) not in values and len(values) < PER_NAME:
                        values.append(str(value))
    return {key: values for key, values in found.items() if values}


def _dictionary(collection: str, name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{collection}__{name}").strip("_")


def write_config(values: dict[tuple[str, str], list[str]], paths: list[str], target: Path) -> Path:
    """Write a schemathesis.toml binding each path parameter to the real values of its own collection; a parameter
    whose collection has no list falls back on the values of another collection using the same name."""
    lines: list[str] = []
    fallback: dict[str, str] = {}
    for (collection, name), found in sorted(values.items()):
        dictionary = _dictionary(collection, name)
        fallback.setdefault(name, dictionary)
        lines += [f"[dictionaries.{dictionary}]", f"values = {json.dumps(found)}", ""]
    lines.append("[parameters]")
    lines += [
        f'"path.{n}" = {{ dictionary = "{d}", probability = {PROBABILITY} }}' for n, d in sorted(fallback.items())
    ]
    for template in sorted(p for p in paths if "{" in p):
        own = [(m.group(1), (_collection(template, m), m.group(1))) for m in PARAM.finditer(template)]
        own = [(name, key) for name, key in own if key in values]
        if own:
            lines += ["", "[[operations]]", f"include-path = {json.dumps(template)}", "[operations.parameters]"]
            lines += [
                f'"path.{n}" = {{ dictionary = "{_dictionary(*k)}", probability = {PROBABILITY} }}' for n, k in own
            ]
    target.write_text("\n".join(lines) + "\n")
    return target


def seed(base_url: str, token: str, target: Path) -> tuple[Path, int]:
    """Harvest with a read token and write the config; return it and how many collections gave values."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        paths = client.get("/api/openapi.json").json()["paths"]
        me = str(client.get("/api/v1/auth/me").json().get("id", ""))
        values = harvest(client, paths, me, token)
    return write_config(values, list(paths), target), len(values)
