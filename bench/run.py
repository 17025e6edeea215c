"""Run every benchmark package under bench/ (each has run.py with main()) and print its figures."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path


def main() -> None:
    """Run bench/<area>/run.py:main() for every area, or only those named on the command line."""
    os.environ.setdefault("TANDEM_DATA_DIR", str(Path("var") / "bench"))
    wanted = set(sys.argv[1:])
    areas = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.ispkg)
    for area in areas:
        if wanted and area not in wanted:
            continue
        started = time.perf_counter()
        print(f"\n=== {area} ===", flush=True)
        importlib.import_module(f"bench.{area}.run").main()
        print(f"({area}: {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
