"""Evidence files live in the platform's content-addressed store under <data_dir>/evidence/."""

from __future__ import annotations

from tandem.platform.storage import FileStore

_STORE = FileStore("evidence")
root = _STORE.root
path_of = _STORE.path_of
store = _STORE.store
read = _STORE.read
