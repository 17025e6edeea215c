"""ASVS V15.3.6: the browser code cannot be used for prototype pollution. Tandem's own scripts never write through a
computed key or merge parsed data into an object, and the Plotly bundle it serves is past the releases with known
prototype-pollution bugs (CVE-2023-46308: fixed in plotly.js 2.25.2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.live import Live

SRC = Path(__file__).resolve().parents[3] / "src" / "tandem"
# Sinks through which data could reach Object.prototype: an assignment to obj[key], a merge, or the magic names.
SINKS = re.compile(
    r"\]\s*(?:=(?!=)|\+=)|Object\.(?:assign|defineProperty|setPrototypeOf)|__proto__|\.prototype\s*=|"
    r"\$\.extend|_\.merge|structuredClone|\bfor\s*\(\s*(?:var|let|const)\s+\w+\s+in\b"
)


def _scripts() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.js") if "static" in p.parts)


@pytest.mark.asvs("V15.3.6")
def test_own_scripts_have_no_prototype_pollution_sink() -> None:
    scripts = _scripts()
    assert len(scripts) >= 2, scripts  # app.js and the access reviewer's keys
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in scripts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SINKS.search(line) and not line.lstrip().startswith("//")
    ]
    assert found == []


@pytest.mark.asvs("V15.3.6")
def test_the_served_plotly_bundle_is_past_its_prototype_pollution_fix(live: Live) -> None:
    with live.client() as browser:
        response = browser.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    match = re.search(r"plotly\.js v(\d+)\.(\d+)\.(\d+)", response.text[:500])
    assert match is not None, response.text[:200]
    assert tuple(int(part) for part in match.groups()) >= (2, 25, 2)
