"""ASVS V2.3.2 and V15.2.2: the documented limits of the costly functions hold through the API. An import over
TANDEM_INVENTORY_MAX_IMPORT_ROWS is refused whole with a located error; one over the job threshold is queued as a job
(202) instead of holding a request; parallel whole-list exports all complete and leave the server answering."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tandem.inventory.settings import get_inventory_settings
from tests.support.live import Live


@pytest.fixture
def inventory_env(settings_env: Callable[..., None]) -> Iterator[Callable[..., None]]:
    """Set TANDEM_INVENTORY_* settings for one test on the live server (same process)."""

    def apply(**values: object) -> None:
        settings_env(**{f"inventory_{name}": value for name, value in values.items()})
        get_inventory_settings.cache_clear()

    yield apply
    get_inventory_settings.cache_clear()  # settings_env undoes the environment after this


def _csv(tag: str, rows: int) -> bytes:
    return ("hostname,description\n" + "".join(f"{tag}-{i}.limits.test,row {i}\n" for i in range(rows))).encode()


def _hosts(live: Live, tag: str) -> list[str]:
    with live.client("admin") as api:
        found = api.get("/api/v1/inventory/assets", params={"q": f"{tag}-", "limit": 500}).json()["items"]
    return sorted(a["hostname"] for a in found if a["hostname"].startswith(f"{tag}-"))


@pytest.mark.asvs("V2.3.2", "V15.2.2")
def test_an_import_over_the_row_limit_is_refused_whole(live: Live, inventory_env: Callable[..., None]) -> None:
    inventory_env(max_import_rows=5)
    tag = f"cap{uuid.uuid4().hex[:6]}"
    params = {"kind": "assets", "unit_id": str(live.units["it"]), "file_name": "big.csv"}
    with live.client("admin") as api:
        refused = api.post("/api/v1/inventory/imports", params=params, content=_csv(tag, 6))
        assert refused.status_code in (413, 422), refused.text
        assert "big.csv" in refused.text and "5" in refused.text  # where, and which limit
        assert _hosts(live, tag) == []  # all rows or none
        accepted = api.post("/api/v1/inventory/imports", params=params, content=_csv(tag, 5))
        assert accepted.status_code in (200, 201), accepted.text
    assert len(_hosts(live, tag)) == 5


@pytest.mark.asvs("V15.2.2")
def test_a_large_import_is_queued_as_a_job_not_run_in_the_request(
    live: Live, inventory_env: Callable[..., None]
) -> None:
    inventory_env(job_threshold_rows=3)
    tag = f"job{uuid.uuid4().hex[:6]}"
    params = {"kind": "assets", "unit_id": str(live.units["it"]), "file_name": "queued.csv"}
    with live.client("admin") as api:
        queued = api.post("/api/v1/inventory/imports", params=params, content=_csv(tag, 6))
        assert queued.status_code == 202, queued.text
        job = queued.json()
        job_id = job.get("job_id") or job.get("id")
        assert job_id, job
        assert api.get(f"/api/v1/jobs/{job_id}").status_code == 200


@pytest.mark.asvs("V15.2.2")
def test_parallel_whole_list_exports_all_complete(live: Live) -> None:
    def export(fmt: str) -> int:
        with live.client("auditor") as api:
            return api.get("/api/v1/inventory/assets", params={"export": fmt}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(export, ["csv", "json"] * 4))
    assert set(codes) <= {200, 429} and 200 in codes, codes  # served or politely refused, never a 5xx
    with live.client() as anyone:
        assert anyone.get("/healthz").status_code == 200
