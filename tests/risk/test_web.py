"""The matrix page's forms on a live server: matrix, appetite and tolerance; taxonomy terms added and removed."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.support.live import Live

BASE = "/api/v1/risk"


def _csrf(client: httpx.Client) -> str:
    page = client.get("/risk/matrix")
    assert page.status_code == 200, page.text[:500]
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _fields(m: dict[str, Any]) -> dict[str, str]:
    """The matrix form as a browser would post it, filled from an API matrix."""
    out: dict[str, str] = {"appetite_level": m["appetite_level"]}
    for name in ("likelihood_labels", "impact_labels"):
        out.update({f"{name}.{n}": label for n, label in enumerate(m[name])})
    for n, lv in enumerate([*m["levels"], {"key": "", "label": "", "colour": "#888888"}]):
        out.update({f"levels.{n}.{k}": lv[k] for k in ("key", "label", "colour")})
    out.update({f"cells.{i}.{j}": key for i, row in enumerate(m["cells"]) for j, key in enumerate(row)})
    for n, (loss, p) in enumerate([*m["tolerance"], ("", "")]):
        out.update({f"tolerance.{n}.loss": str(loss), f"tolerance.{n}.p": str(p)})
    return out


def test_matrix_form_saves_and_locates_errors(live: Live) -> None:
    root = str(live.units["root"])
    with live.client("ciso") as api:
        original = api.get(f"{BASE}/matrices/{root}").json()
    client = live.login("ciso-user")
    try:
        fields = _fields(original)
        n = len(original["levels"])
        fields.update({"impact_labels.4": "Catastrophic", "levels.0.colour": "#00aa00", "levels.1.label": "Moderate",
                       f"levels.{n}.key": "extreme", f"levels.{n}.label": "Extreme", f"levels.{n}.colour": "#550000",
                       "cells.4.4": "extreme", "appetite_level": "high"})  # fmt: skip
        points = {k: v for k, v in fields.items() if not k.startswith("tolerance.")}
        points.update({"tolerance.0.loss": "200,000", "tolerance.0.p": "0.4", "tolerance.1.loss": "",
                       "tolerance.1.p": "", "tolerance.2.loss": "2000000", "tolerance.2.p": "0.05"})  # fmt: skip
        saved = client.post("/risk/matrix", data={**points, "csrf_token": _csrf(client)})
        assert saved.status_code == 303, saved.text[:1000]
        assert saved.headers["location"].startswith("/risk/matrix?flash=")
        with live.client("viewer") as api:
            now = api.get(f"{BASE}/matrices/{root}").json()
        assert now["impact_labels"][4] == "Catastrophic" and now["appetite_level"] == "high"
        assert now["levels"][0]["colour"] == "#00aa00" and now["levels"][1]["label"] == "Moderate"
        assert now["levels"][-1] == {"key": "extreme", "label": "Extreme", "colour": "#550000"}
        assert now["cells"][4][4] == "extreme" and now["tolerance"] == [[200_000.0, 0.4], [2_000_000.0, 0.05]]
        page = client.get("/risk/matrix").text
        assert 'value="Catastrophic"' in page and 'data-level="extreme"' in page

        falling = {**points, "tolerance.2.loss": "100000", "csrf_token": _csrf(client)}
        rejected = client.post("/risk/matrix", data=falling)
        assert rejected.status_code == 422
        assert "losses must rise and probabilities must not rise (item 2)" in rejected.text
        assert 'value="100000"' in rejected.text  # what was typed is shown again
        bad_colour = client.post("/risk/matrix", data={**points, "levels.2.colour": "orange",
                                                       "csrf_token": _csrf(client)})  # fmt: skip
        assert bad_colour.status_code == 422 and "(item 3)" in bad_colour.text
        with live.client("viewer") as api:
            assert api.get(f"{BASE}/matrices/{root}").json() == now  # nothing of the rejected posts was kept
    finally:
        client.close()
        with live.client("ciso") as api:
            body = {k: original[k] for k in ("likelihood_labels", "impact_labels", "levels", "cells",
                                              "appetite_level", "tolerance")}  # fmt: skip
            assert api.put(f"{BASE}/matrices/{root}", json=body).status_code == 200


def test_taxonomy_terms_are_added_and_removed(live: Live) -> None:
    root = str(live.units["root"])
    client = live.login("ciso-user")
    try:
        term = {"kind": "threat_event", "name": "Drone over the data centre", "description": "Physical recon"}
        added = client.post("/risk/matrix/terms", data={**term, "csrf_token": _csrf(client)})
        assert added.status_code == 303, added.text[:1000]
        with live.client("viewer") as api:
            assert term["name"] in api.get(f"{BASE}/taxonomy", params={"org_unit_id": root}).json()["threat_event"]
        again = client.post("/risk/matrix/terms", data={**term, "csrf_token": _csrf(client)})
        assert again.status_code == 422 and "already in the taxonomy" in again.text
        blank = client.post("/risk/matrix/terms", data={**term, "name": " ", "csrf_token": _csrf(client)})
        assert blank.status_code == 422 and 'class="error" role="alert">String should have at least 1' in blank.text
        page = client.get("/risk/matrix").text
        found = re.search(r'action="/risk/matrix/terms/([0-9a-f-]{36})/delete"', page)
        assert found is not None and 'aria-label="Remove Ransomware"' not in page  # defaults cannot be removed
        removed = client.post(f"/risk/matrix/terms/{found[1]}/delete", data={"csrf_token": _csrf(client)})
        assert removed.status_code == 303
        with live.client("viewer") as api:
            assert term["name"] not in api.get(f"{BASE}/taxonomy", params={"org_unit_id": root}).json()["threat_event"]
    finally:
        client.close()


def test_viewers_cannot_change_the_matrix_or_taxonomy(live: Live) -> None:
    with live.client("viewer") as api:
        matrix = api.get(f"{BASE}/matrices/{live.units['root']}").json()
    client = live.login("viewer-user")
    try:
        csrf = _csrf(client)
        assert client.post("/risk/matrix", data={**_fields(matrix), "csrf_token": csrf}).status_code == 403
        term = {"kind": "threat_event", "name": "Viewer term", "csrf_token": csrf}
        assert client.post("/risk/matrix/terms", data=term).status_code == 403
        gone = client.post(f"/risk/matrix/terms/{uuid.uuid4()}/delete", data={"csrf_token": csrf})
        assert gone.status_code == 403
    finally:
        client.close()
