"""CycloneDX JSON SBOMs: the components (nested ones too) as software rows, each problem located."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tandem.inventory import validators
from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.safety import jsondoc
from tandem.platform.safety.errors import UnsafeInput


@dataclass(frozen=True)
class Component:
    """One software component of an SBOM and the line it is declared on."""

    line: int
    column: int
    name: str
    version: str
    vendor: str
    purl: str | None
    cpe: str | None


def parse_sbom(data: bytes, name: str, max_components: int = 200_000) -> list[Component]:
    """Parse a CycloneDX JSON document; raise InvalidInput with file:line:column for every bad component."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        doc = jsondoc.load_json(text, name, max_bytes=len(text))  # depth-bounded; size was bounded on upload
    except UnicodeDecodeError:
        raise InvalidInput.one(f"{name}:1:1", "file is not valid UTF-8") from None
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise InvalidInput.one(f"{name}:1:1", 'not a CycloneDX JSON SBOM ("bomFormat": "CycloneDX" is missing)')
    locator = _Locator(text)
    found: list[Component] = []
    errors: list[FieldError] = []
    for raw in _walk(doc.get("components") or []):
        if len(found) >= max_components:
            raise InvalidInput.one(f"{name}:1:1", f"SBOM has more than {max_components} components")
        line, col = locator.find(raw)
        where = f"{name}:{line}:{col}"
        component, problems = _component(raw, line, col)
        errors.extend(FieldError(where, p) for p in problems)
        if component is not None:
            found.append(component)
    if errors:
        raise InvalidInput(errors)
    return found


def _walk(components: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(reversed(components)) if isinstance(components, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            stack.extend(reversed(item.get("components") or []))
    return out


def _component(raw: dict[str, Any], line: int, col: int) -> tuple[Component | None, list[str]]:
    problems = []
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("component has no name")
    purl, cpe = raw.get("purl"), raw.get("cpe")
    if purl is not None:
        try:
            purl = validators.check_purl(str(purl))
        except ValueError as exc:
            problems.append(f"purl {exc}")
    if cpe is not None:
        try:
            cpe = validators.check_cpe(str(cpe))
        except ValueError as exc:
            problems.append(f"cpe {exc}")
    if problems:
        return None, problems
    supplier = raw.get("supplier") or {}
    vendor = (supplier.get("name") if isinstance(supplier, dict) else None) or raw.get("publisher") or raw.get("group")
    version = str(raw.get("version") or "")
    return Component(line, col, str(name).strip()[:300], version[:100], str(vendor or "")[:200], purl, cpe), []


class _Locator:
    """Finds where a component is declared, scanning forward through the text in document order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def find(self, raw: dict[str, Any]) -> tuple[int, int]:
        for key in ("bom-ref", "purl", "cpe", "name"):
            value = raw.get(key)
            if isinstance(value, str):
                idx = self.text.find(json.dumps(value), self.pos)
                if idx >= 0:
                    self.pos = idx + 1
                    line = self.text.count("\n", 0, idx) + 1
                    return line, idx - (self.text.rfind("\n", 0, idx) + 1) + 1
        return 1, 1
