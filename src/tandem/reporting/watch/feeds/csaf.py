"""OASIS CSAF 2.0 advisories (CISA publishes them with a `.sha512` file beside each) → one watch item per
advisory, with its products, CVEs, CVSS scores and remediations."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import MAX_FEED_BYTES, FeedError, expect, load_json, plain, pointer, required
from .items import FeedItem, ParsedFeed, Product

_HEX512 = re.compile(r"^[0-9a-fA-F]{128}$")
_CVE_ID = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
MAX_BRANCH_DEPTH = 30


def verify_sha512(data: bytes, checksum: bytes, name: str) -> str:
    """Check data against a published `.sha512` file (`<hex>  <file name>`); return the digest or raise."""
    where = f"{name}.sha512"
    first = checksum.decode("utf-8", "replace").strip().split()
    if not first or not _HEX512.match(first[0]):
        raise FeedError("not a SHA-512 checksum file (expected 128 hex digits)", f"{where}:1")
    digest = hashlib.sha512(data).hexdigest()
    if not hmac.compare_digest(digest, first[0].lower()):
        raise FeedError(f"SHA-512 mismatch: file hashes to {digest[:16]}…, checksum says {first[0][:16]}…", where)
    return digest


def _walk(branch: dict[str, Any], where: str, path: dict[str, str], out: dict[str, dict[str, str]], depth: int) -> None:
    if depth > MAX_BRANCH_DEPTH:
        raise FeedError(f"product tree deeper than {MAX_BRANCH_DEPTH} levels", where)
    here = {**path, str(branch.get("category") or ""): str(branch.get("name") or "")}
    product = branch.get("product")
    if isinstance(product, dict):
        pid = required(product, "product_id", pointer(where, "product"))
        out[pid] = {**here, "full_name": str(product.get("name") or "")}
    for i, child in enumerate(branch.get("branches") or []):
        sub = pointer(where, "branches", i)
        _walk(expect(child, dict, sub), sub, here, out, depth + 1)


def _products(doc: dict[str, Any], name: str) -> dict[str, dict[str, str]]:
    """Map product ids to vendor, product name, version and full name from the product tree."""
    tree = doc.get("product_tree") or {}
    where = pointer(name, "product_tree")
    expect(tree, dict, where)
    out: dict[str, dict[str, str]] = {}
    for i, branch in enumerate(tree.get("branches") or []):
        sub = pointer(where, "branches", i)
        _walk(expect(branch, dict, sub), sub, {}, out, 0)
    for i, full in enumerate(tree.get("full_product_names") or []):
        sub = pointer(where, "full_product_names", i)
        pid = required(expect(full, dict, sub), "product_id", sub)
        out.setdefault(pid, {"full_name": str(full.get("name") or "")})
    return out


def _score(vuln: dict[str, Any]) -> tuple[float | None, str]:
    best: tuple[float | None, str] = (None, "")
    for score in vuln.get("scores") or []:
        for key in ("cvss_v3", "cvss_v2"):
            cvss = score.get(key) if isinstance(score, dict) else None
            if not isinstance(cvss, dict):
                continue
            value = cvss.get("baseScore")
            if isinstance(value, int | float) and (best[0] is None or value > best[0]):
                best = (float(value), str(cvss.get("baseSeverity") or ""))
    return best


def _to_product(info: dict[str, str], status: str) -> Product:
    version = info.get("product_version") or info.get("product_version_range") or ""
    product = info.get("product_name") or info.get("full_name", "")
    return Product(info.get("vendor", ""), product, (version,) if version else (), status)


@dataclass
class _Found:
    cves: list[str] = field(default_factory=list)
    affected: dict[tuple[str, str, str], Product] = field(default_factory=dict)
    remediations: list[str] = field(default_factory=list)
    best: tuple[float | None, str] = (None, "")


def _remediation(rem: Any) -> str:
    if not isinstance(rem, dict):
        return ""
    line = f"{rem.get('category', '')}: {plain(str(rem.get('details') or ''), 500)}"
    return line + (f" ({rem['url']})" if rem.get("url") else "")


def _vulnerabilities(doc: dict[str, Any], name: str, products: dict[str, dict[str, str]]) -> _Found:
    """Collect CVEs, affected products, the highest CVSS score and remediations over every vulnerability."""
    found = _Found()
    for i, vuln in enumerate(expect(doc.get("vulnerabilities") or [], list, pointer(name, "vulnerabilities"))):
        where = pointer(name, "vulnerabilities", i)
        expect(vuln, dict, where)
        cve = str(vuln.get("cve") or "").strip()
        if cve and not _CVE_ID.match(cve):
            raise FeedError(f"cve {cve!r} is not a CVE id", pointer(where, "cve"))
        if cve and cve not in found.cves:
            found.cves.append(cve)
        status = vuln.get("product_status") or {}
        for pid in status.get("known_affected") or [] if isinstance(status, dict) else []:
            if pid not in products:
                raise FeedError(f"product id {pid!r} is not in the product tree", pointer(where, "product_status"))
            p = _to_product(products[pid], "known_affected")
            found.affected[(p.vendor, p.product, ",".join(p.versions))] = p
        score = _score(vuln)
        if score[0] is not None and (found.best[0] is None or score[0] > found.best[0]):
            found.best = score
        for line in map(_remediation, vuln.get("remediations") or []):
            if line and line not in found.remediations:
                found.remediations.append(line)
    return found


def parse_csaf(data: bytes, name: str, checksum: bytes | None = None, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse a CSAF 2.0 document (verifying its `.sha512` when given) into one watch item."""
    if checksum is not None:
        verify_sha512(data, checksum, name)
    doc = expect(load_json(data, name, max_bytes), dict, pointer(name))
    meta = expect(doc.get("document"), dict, pointer(name, "document"))
    version = str(meta.get("csaf_version") or "")
    if version != "2.0":
        raise FeedError(f"csaf_version {version!r} is not 2.0", pointer(name, "document", "csaf_version"))
    tracking = expect(meta.get("tracking"), dict, pointer(name, "document", "tracking"))
    where_t = pointer(name, "document", "tracking")
    advisory_id = required(tracking, "id", where_t)
    products = _products(doc, name)
    found = _vulnerabilities(doc, name, products)
    cves, affected, remediations, best = found.cves, found.affected, found.remediations, found.best
    summary = next((plain(str(n.get("text"))) for n in meta.get("notes") or []
                    if isinstance(n, dict) and n.get("category") == "summary"), "")  # fmt: skip
    if not affected:
        affected = {(p.vendor, p.product, ""): p for p in (_to_product(i, "listed") for i in products.values())}
    url = next((str(r.get("url")) for r in meta.get("references") or []
                if isinstance(r, dict) and r.get("category") == "self"), "")  # fmt: skip
    item = FeedItem(
        source="csaf",
        external_id=advisory_id,
        title=f"{advisory_id}: {plain(required(meta, 'title', pointer(name, 'document')), 400)}",
        url=url,
        summary=summary,
        published=str(tracking.get("initial_release_date") or tracking.get("current_release_date") or ""),
        cves=tuple(cves),
        products=tuple(affected.values()),
        cvss=best[0],
        severity=best[1].lower(),
        remediations=tuple(remediations),
        extra={"category": str(meta.get("category") or ""), "tracking_version": str(tracking.get("version") or ""),
               "tlp": str((meta.get("distribution") or {}).get("tlp", {}).get("label") or ""),
               "publisher": str((meta.get("publisher") or {}).get("name") or "")},
    )  # fmt: skip
    return ParsedFeed("csaf", str(tracking.get("version") or ""), item.title, (item,))
