"""The compiled fast path (Numba): whether it is used, its sampler layout, and its kernels, loaded on first use.

It is the default wherever Numba is installed; TANDEM_FAIR_NUMBA=0 turns it off, and without Numba every caller
uses the NumPy path (kernel.py, results.summarise), which gives the same draws and the same statistics. The
kernels (compiled_draws.py, compiled_seeds.py, compiled_stats.py) are imported on first use, so importing the
engine never imports Numba; they are compiled once (≈ 6-9 s of CPU) and cached on disk (`cache=True`, next to
the sources or in NUMBA_CACHE_DIR), so a later process loads them in about half a second.

Stream design. The compiled kernels draw *the very same numbers* as the NumPy path: every scenario has one
SFC64 stream per role (LEF, TEF, …, COUNT, PRIMARY_LOSS, SECONDARY_HIT, SECONDARY_LOSS), seeded from (root
seed, hash of the scenario key, role) by `streams.Streams`; the kernels start from those generators' states and
reimplement SFC64's step and NumPy's `random()` (top 53 bits) bit for bit. Within a role the words are
consumed in year order and, for per-event roles, in event order, exactly as the NumPy path consumes them chunk
after chunk, so:

- a scenario's annual losses depend only on (seed, key, inputs), never on chunking, the other scenarios, the
  executor or the number of threads (each scenario is simulated by one thread, start to finish);
- the NumPy path and this one produce the same draws. Their annual losses agree bit for bit, except that a
  Poisson count could differ where the uniform falls within one rounding error of a cdf value (probability
  ~1e-16 per year) if NumPy's vectorised `exp` and the C library's `exp` round differently. Per-year sums add
  the same terms in the same order in both paths.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

AVAILABLE = importlib.util.find_spec("numba") is not None
_ENABLED = os.environ.get("TANDEM_FAIR_NUMBA", "1") != "0"

# Sampler slots of a compiled plan, and the stream role (streams.Role) each slot draws from.
SLOT_LEF, SLOT_TEF, SLOT_CF, SLOT_POA, SLOT_V, SLOT_PRIMARY, SLOT_SEC_P, SLOT_SEC_LOSS = range(8)
N_SLOTS = 8
SLOT_ROLES = (0, 1, 2, 3, 4, 6, 7, 9)
ROLE_COUNT, ROLE_SECONDARY_HIT = 5, 8
N_ROLES = 10
# Slot kinds.
ABSENT, CONSTANT, TABLE, TABLE_LOGNORMAL = 0, 1, 2, 3


def enabled() -> bool:
    """Tell whether the compiled path is used (Numba installed, and TANDEM_FAIR_NUMBA is not 0)."""
    return AVAILABLE and _ENABLED


_KERNELS: dict[str, ModuleType] = {}


def _kernels(name: str) -> ModuleType:
    module = _KERNELS.get(name)
    if module is None:
        module = _KERNELS[name] = importlib.import_module(f"tandem.risk.fair.{name}")
    return module


def draws() -> ModuleType:
    """Return the compiled simulation kernels (compiled_draws), importing Numba on first use."""
    return _kernels("compiled_draws")


def seeds() -> ModuleType:
    """Return the compiled stream seeding (compiled_seeds), importing Numba on first use."""
    return _kernels("compiled_seeds")


def stats() -> ModuleType:
    """Return the compiled statistics kernels (compiled_stats), importing Numba on first use."""
    return _kernels("compiled_stats")
