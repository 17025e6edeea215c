"""Child process of the FAIR benchmark: import the engine and simulate once, as a fresh process (CLI, worker) does.

Prints JSON with wall seconds for the import and for the first small runs (events, then product); run with an
empty NUMBA_CACHE_DIR it measures Numba's compile time, with a filled one the cost of loading compiled code.
"""

from __future__ import annotations

import json
import time


def main() -> None:
    """Time the engine's import and first runs in this process and print them as JSON."""
    started = time.perf_counter()
    from tandem.risk.fair import LogNormal90, Pert, Scenario, fused, simulate

    imported = time.perf_counter()
    scenario = Scenario(
        "first",
        tef=Pert(1, 5, 20),
        vulnerability=Pert(0.1, 0.2, 0.4),
        primary_loss=LogNormal90(1e4, 1e6),
        secondary_probability=Pert(0.1, 0.2, 0.5),
        secondary_loss=Pert(1e4, 1e5, 1e6),
    )
    simulate([scenario], years=1000)
    events = time.perf_counter()
    simulate([scenario], years=1000, semantics="product")
    product = time.perf_counter()
    print(
        json.dumps(
            {
                "compiled": fused.enabled(),
                "import": imported - started,
                "first_events": events - imported,
                "first_product": product - events,
            }
        )
    )


if __name__ == "__main__":
    main()
