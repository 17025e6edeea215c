"""Where a C compiler exists (CI, `make install`) the compiled core must have been built and be in use: a silent
build failure would only show as a slower scanner."""

from __future__ import annotations

import os
import shutil

import pytest

from tandem.data.discovery import engine


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler here: the pure-Python path is the design")
@pytest.mark.skipif(os.environ.get("TANDEM_DISCOVERY_PURE", "") not in ("", "0"), reason="pure path forced")
def test_the_compiled_core_is_built_and_used() -> None:
    assert engine.compiled_core() is not None, "run `make install` (it builds src/tandem/data/discovery/_core)"
