"""Feed kind detection for `tandem vulns import PATH` and uploads without a kind: every recorded sample is told
apart by its content (gzip looked into); anything else is refused with the file's name."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.uow import set_database, unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.jobs.models import Job
from tandem.vulnerabilities import cli, ingest, service
from tests.support.live import Live

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(p for p in DATA.rglob("*") if p.suffix in (".json", ".csv"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_recorded_sample_is_told_apart_by_content(path: Path) -> None:
    expected = path.parent.name  # the samples live in a folder per kind
    data = path.read_bytes()
    assert ingest.detect_kind(data, path.name) == expected
    assert ingest.detect_kind(gzip.compress(data), path.name + ".gz") == expected
    # What it detects is what the parser accepts.
    assert ingest.parse_feed(expected, data, path.name).rows


@pytest.mark.parametrize(
    ("data", "why"),
    [(b'{"cpes": []}', "cannot tell which feed"), (b"a,b,c\n1,2,3\n", "cannot tell which feed"),
     (b"\x1f\x8bnot gzip at all", "not a valid gzip file")],
)  # fmt: skip
def test_unknown_content_is_refused_with_the_file_name(data: bytes, why: str) -> None:
    with pytest.raises(InvalidInput) as err:
        ingest.detect_kind(data, "upload.bin")
    assert "upload.bin" in str(err.value.errors) and why in str(err.value.errors)


def test_an_upload_with_kind_auto_is_queued_as_the_detected_kind(session: Session) -> None:
    data = (DATA / "kev/kev-excerpt.json").read_bytes()
    job = service.queue_feed_import(session, CONSOLE, "auto", data, "kev-excerpt.json")
    assert session.get(Job, job.id).args["kind"] == "kev"
    service.upload_dir().joinpath(job.args["stored"]).unlink()


def test_cli_import_without_a_kind_and_the_api_default_detect_it(live: Live, tmp_path: Path) -> None:
    feed = tmp_path / "scores.csv.gz"
    feed.write_bytes(gzip.compress((DATA / "epss/epss_scores-2026-09-29-excerpt.csv").read_bytes()))
    set_database(live.db)
    result = CliRunner().invoke(cli.app, ["import", str(feed), "--no-match"])
    assert result.exit_code == 0, result.output
    job_id = result.output.split("queued job ", 1)[1].split(";", 1)[0]
    with unit_of_work(live.db, readonly=True) as session:
        assert session.get(Job, uuid.UUID(job_id)).args["kind"] == "epss"
    with live.client("admin") as client:
        body = (DATA / "osv/GO-2021-0113.json").read_bytes()
        queued = client.post("/api/v1/vulnerabilities/feeds/imports", content=body, params={"match": "false"})
        assert queued.status_code == 202, queued.text
        refused = client.post("/api/v1/vulnerabilities/feeds/imports", content=b'{"cpes": []}')
        assert refused.status_code == 422 and "cannot tell which feed" in refused.text
    with unit_of_work(live.db, readonly=True) as session:
        assert session.get(Job, uuid.UUID(queued.json()["job_id"])).args["kind"] == "osv"
