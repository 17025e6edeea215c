"""Pause the cyclic garbage collector around bulk passes that build large acyclic structures."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block and restore its previous state afterwards."""
    # Bulk builds (1.2 M NVD criteria, a 800-53 catalog tree) allocate millions of objects and no cycles; with
    # the source records alive, each full collection re-scans them all: 1-2 s stalls in a vulnerability pass,
    # 1.5-2.5x slower catalog loading, as measured.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
