"""ASVS V3.2.1, V5.3.1 and V5.4.2 against the running server: uploaded files come back only as inert attachments
under their sniffed type, active content is refused at upload, and hostile names cannot break the headers."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tandem.platform.errors import InvalidInput
from tandem.platform.storage import checked_upload
from tests.support.live import Live

DOCUMENTS = "/api/v1/vendors/documents"


def vendor(live: Live) -> str:
    with live.client("admin") as api:
        body = {"name": f"Upload Vendor {uuid.uuid4().hex[:8]}", "country": "US", "org_unit_id": str(live.units["it"])}
        response = api.post("/api/v1/inventory/vendors", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def upload(api: httpx.Client, vendor_id: str, name: str, data: bytes) -> httpx.Response:
    return api.post(DOCUMENTS, data={"vendor_id": vendor_id, "kind": "other"}, files={"file": (name, data)})


@pytest.mark.asvs("V5.3.1", "V3.2.1")
def test_active_content_is_refused_or_served_as_an_inert_attachment(live: Live) -> None:
    vendor_id = vendor(live)
    with live.client("admin") as api:
        for name, data in [
            ("report.html", b"<!doctype html><html><script>alert(1)</script></html>"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'),
            ("invoice.pdf", b"<html><script>alert(1)</script></html>"),  # extension lies about the bytes
        ]:
            assert upload(api, vendor_id, name, data).status_code in (415, 422), name
        script = upload(api, vendor_id, "run_me.txt", b"import os\nos.system('id')\n")
        assert script.status_code == 201, script.text
        download = api.get(f"{DOCUMENTS}/{script.json()['id']}/file")
    assert download.status_code == 200 and download.content == b"import os\nos.system('id')\n"
    headers = download.headers
    assert headers["content-disposition"].startswith("attachment")
    assert headers["content-type"].startswith("text/plain") and headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]


def download_of(live: Live, name: str) -> httpx.Response:
    """Upload a small text file under name and download it again."""
    vendor_id = vendor(live)
    with live.client("admin") as api:
        stored = upload(api, vendor_id, name, b"plain text evidence\n")
        assert stored.status_code == 201, (name, stored.text)
        return api.get(f"{DOCUMENTS}/{stored.json()['id']}/file")


@pytest.mark.asvs("V5.4.1")
@pytest.mark.parametrize("name", ['evil"\r\nSet-Cookie: pwned=1; x=".txt', 'a";b.txt', "../../etc/passwd.txt"])
def test_hostile_file_names_cannot_break_the_download_headers(live: Live, name: str) -> None:
    download = download_of(live, name)
    assert download.status_code == 200
    assert "pwned" not in download.headers.get("set-cookie", "") and "pwned" not in download.cookies
    dispositions = download.headers.get_list("content-disposition")
    assert len(dispositions) == 1 and dispositions[0].startswith("attachment"), dispositions
    value = dispositions[0]
    assert "\r" not in value and "\n" not in value and "/" not in value and value.count('"') == 2, value


@pytest.mark.asvs("V5.4.2")
def test_unicode_file_names_are_encoded_per_rfc_6266(live: Live) -> None:
    download = download_of(live, "Prüfbericht – März 2026.txt")
    assert download.status_code == 200
    value = download.headers["content-disposition"]
    assert value.startswith("attachment") and "filename*=UTF-8''Pr%C3%BCfbericht%20%E2%80%93" in value, value


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.mark.asvs("V1.3.4")
def test_svg_is_never_accepted_whatever_it_is_called() -> None:
    from tandem.compliance.evidence import service as evidence
    from tandem.incidents import evidence as incident_evidence
    from tandem.training import documents as training_documents
    from tandem.vendors import documents as vendor_documents

    allow_lists = [evidence.ALLOWED, incident_evidence.ALLOWED, training_documents.ALLOWED, vendor_documents.ALLOWED]
    assert all("svg" not in allowed for allowed in allow_lists)
    everything = set().union(*allow_lists)
    for name in ("logo.svg", "logo.png", "notes.txt", "data.xml", "scan.pdf", "logo.svg.png"):
        for data in (SVG, b"\xef\xbb\xbf" + SVG, SVG.replace(b"<?xml", b"  <?xml")):
            with pytest.raises(InvalidInput):
                checked_upload(data, name, everything, 1_000_000)
