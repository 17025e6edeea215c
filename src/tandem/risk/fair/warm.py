"""Compile the FAIR engine's Numba kernels into their on-disk cache (run once by `make install`).

Without it the first simulation of a fresh install (the demo, an analyst's first inline re-simulation, each test
process) waits ≈ 8 s for compilation; afterwards every process loads the cached machine code in well under 1 s.
"""

from __future__ import annotations

from tandem.risk.fair import LogNormal90, Pert, Scenario, fused, simulate


def warm_up_scenario(key: str = "warm-up") -> Scenario:
    """Return a scenario that takes every kernel's path: PERT and lognormal tables, secondary losses."""
    return Scenario(
        key,
        tef=Pert(1, 5, 20),
        vulnerability=Pert(0.1, 0.2, 0.4),
        primary_loss=LogNormal90(1e4, 1e6),
        secondary_probability=Pert(0.1, 0.2, 0.5),
        secondary_loss=Pert(1e4, 1e5, 1e6),
    )


def main() -> None:
    """Run one small simulation per semantics so every default kernel is compiled and cached."""
    scenario = warm_up_scenario()
    for semantics in ("events", "product"):
        simulate([scenario], years=1000, semantics=semantics)
    print(f"FAIR engine: {'compiled kernels cached' if fused.enabled() else 'NumPy path (numba not installed)'}")


if __name__ == "__main__":
    main()
