"""Find the catalog a profile import names: the shipped 800-53 or a catalog already imported into the library."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tandem.compliance.content import nist
from tandem.compliance.frameworks import repository as repo
from tandem.compliance.models import Framework
from tandem.compliance.oscal import catalog_from_dict
from tandem.compliance.oscal.catalog import load_json
from tandem.compliance.oscal.model import Catalog


def pack(data: bytes) -> bytes:
    """Compress a catalog document for storage (level 1: 10 MB of 800-53 in ~40 ms, about 8× smaller)."""
    return gzip.compress(data, compresslevel=1)


def _names(href: str) -> set[str]:
    """Return what an href may name a catalog by: a `#uuid`/`urn:uuid:`, a file name, or a title."""
    text = href.strip()
    bare = text.removeprefix("#").removeprefix("urn:uuid:")
    return {text.lower(), bare.lower(), text.rsplit("/", 1)[-1].lower()}


@dataclass
class LibraryResolver:
    """A profile resolver over the library; remembers which stored frameworks the profile resolved against."""

    session: Session
    used: list[tuple[str, str]] = field(default_factory=list)
    _parsed: dict[str, Catalog] = field(default_factory=dict)

    def __call__(self, href: str) -> Catalog:
        """Return the catalog href names (uuid, metadata title or file name); LookupError says why not."""
        if href.rsplit("/", 1)[-1] == nist.CATALOG_FILE:
            self.used.append(("nist-sp800-53", "5.2.0"))
            return nist.sp800_53()
        wanted = _names(href)
        for framework in repo.imported_catalogs(self.session):
            if wanted & self._keys(framework):
                self.used.append((framework.key, framework.version))
                return self._parse(framework)
        shipped = nist.sp800_53()
        if wanted & {shipped.uuid.lower(), shipped.metadata.title.lower()}:
            self.used.append(("nist-sp800-53", "5.2.0"))
            return shipped
        raise LookupError(
            f"no catalog in the library has the uuid, title or file name {href!r}; import that catalog first"
        )

    @staticmethod
    def _keys(framework: Framework) -> set[str]:
        keys = {framework.name.lower()}
        if framework.oscal_uuid:
            keys.add(framework.oscal_uuid.lower())
        if framework.source_file:
            keys.add(framework.source_file.rsplit("/", 1)[-1].lower())
        return keys

    def _parse(self, framework: Framework) -> Catalog:
        key = str(framework.id)
        if key not in self._parsed:
            name = framework.source_file or framework.key
            self._parsed[key] = catalog_from_dict(load_json(gzip.decompress(framework.document or b""), name), name)
        return self._parsed[key]
