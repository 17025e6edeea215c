"""Vendor documents live in the platform's content-addressed store under <data_dir>/vendor-documents/."""

from __future__ import annotations

from tandem.platform.storage import FileStore

_STORE = FileStore("vendor-documents")
root = _STORE.root
path_of = _STORE.path_of
store = _STORE.store
read = _STORE.read
