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
    from tandem.risk.fair import fused, simulate
    from tandem.risk.fair.warm import warm_up_scenario

    imported = time.perf_counter()
    scenario = warm_up_scenario("first")
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
