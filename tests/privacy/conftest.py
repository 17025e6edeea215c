"""Privacy fixtures: the incidents org fixture (two units under a root) and inventory helpers."""

from __future__ import annotations

from tests.incidents.conftest import Org, make, org

__all__ = ["Org", "make", "org"]
