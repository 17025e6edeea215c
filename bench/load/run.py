"""Load test: 70 % reads (inventory list and detail pages, web and API), 30 % writes (API creates and updates).

    python -m bench.load.run [--seconds 60] [--users 16] [--rate R] [--workers 1,2] [--backend sqlite|postgres|both]
                             [--only NAME,...] [--profile [sample]] [--no-settle]

Each backend gets a fresh database with Northwind Health loaded (`tandem db upgrade`, `tandem demo load`); the
PostgreSQL database is created on TANDEM_TEST_POSTGRES_URL's server for the run and dropped after. The driver
signs in as the CIO (an API token, and a web session whose CSRF token goes with cookie writes). Goal: ≥ 300
requests/s, zero errors, p99 < 250 ms for reads, judged on the largest --workers count (one process per core is
the configuration for a machine's cores; a single process is printed to compare). The driver shares the machine's
cores with the server; its CPU time is printed so the figure can be judged. Loading starts once the periodic jobs
that a server's first start runs all at once have finished (a few seconds; --no-settle measures through them).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path

from bench.load.driver import Stats, percentile, run
from bench.load.server import Server, postgres_database

GOAL_RPS, GOAL_READ_P99_MS = 300, 250


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}"


def report(label: str, stats: Stats, split: list[int]) -> tuple[str, bool]:
    """Return the printed lines for one run and whether it met the goal (split: connections per server process)."""
    rps = stats.total / stats.seconds if stats.seconds else 0.0
    reads = stats.latencies["read"]
    ok = rps >= GOAL_RPS and not stats.errors and percentile(reads, 99) * 1000 < GOAL_READ_P99_MS
    lines = [
        f"{label}: {stats.total} requests in {stats.seconds:.1f} s = {rps:.0f} requests/s, "
        f"errors {sum(stats.errors.values())}, server CPU {stats.server_cpu:.1f} s "
        f"({1000 * stats.server_cpu / max(stats.total, 1):.1f} ms/request), driver CPU {stats.driver_cpu:.1f} s "
        f"[{'goal met' if ok else 'goal NOT met'}: ≥ {GOAL_RPS}/s, 0 errors, read p99 < {GOAL_READ_P99_MS} ms]"
    ]
    if len(split) > 1:  # one run's spread: the kernel hashes each connection to a process
        lines.append(f"  connections per server process: {'/'.join(map(str, split))}")
    for kind, values in stats.latencies.items():
        lines.append(
            f"  {kind:<5} n={len(values):>6}  p50 {_ms(values, 50):>5} ms  p95 {_ms(values, 95):>5} ms  "
            f"p99 {_ms(values, 99):>5} ms"
        )
    for name, values in sorted(stats.by_name.items()):
        lines.append(f"    {name:<12} n={len(values):>6}  p50 {_ms(values, 50):>5} ms  p99 {_ms(values, 99):>5} ms")
    lines += [f"  error {what} × {count}" for what, count in stats.errors.most_common(10)]
    return "\n".join(lines), ok


def _sample_split(server: Server, into: list[int]) -> None:
    into[:] = server.connection_split()


def run_backend(backend: str, url: str, folder: Path, args: argparse.Namespace) -> list[bool]:
    """Prepare one backend and load it with each worker count; return the goal outcomes of the largest count."""
    server = Server(folder, url)
    credentials = server.prepare(args.user)
    outcomes = []
    for workers in args.workers:
        label = f"load [{backend}, {workers} worker{'s' if workers > 1 else ''}"
        for only in args.only or [None]:
            server.start(workers, profile=args.profile)
            try:
                if args.settle:
                    waited = server.settle()
                    if waited >= 1:
                        print(f"  (waited {waited:.0f} s for the server's start-up jobs before loading it)", flush=True)
                cpu = server.cpu_seconds()
                split: list[int] = []  # connections per server process, once the users have connected
                sampler = threading.Timer(min(2.0, args.seconds / 2), _sample_split, (server, split))
                sampler.start()
                stats = asyncio.run(run([server.base_url], credentials, args.users, args.seconds, args.rate, only))
                stats.server_cpu = server.cpu_seconds() - cpu
                sampler.cancel()
            finally:
                server.stop()
            text, ok = report(f"{label}{f', only {only}' if only else ''}]", stats, split)
            print(text, flush=True)
            if args.profile:
                print(server.log_tail(workers, 30000), flush=True)
            elif stats.errors:
                print(f"  server log tail:\n{server.log_tail(workers)}", flush=True)
            if workers == max(args.workers):  # fewer processes than cores are printed for comparison only
                outcomes.append(ok)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """Run the load test on each backend and worker count; exit 1 if a run with the most processes missed the goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("TANDEM_LOAD_SECONDS", 60)))
    parser.add_argument("--users", type=int, default=16, help="concurrent virtual users (connections)")
    parser.add_argument("--rate", type=float, default=None, help="open loop: total requests/s to offer")
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cprofile",
        choices=("cprofile", "sample"),
        help="one server process under cProfile or the CPU sampler; hot spots in its log",
    )
    parser.add_argument(
        "--only",
        type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
        default=None,
        help='run each named request of the mix alone, one after another, e.g. "page detail,api create"',
    )
    parser.add_argument(
        "--no-settle",
        dest="settle",
        action="store_false",
        help="load the server at once, while the periodic jobs of its first start still run",
    )
    parser.add_argument("--user", default="cio", help="demo user the driver signs in as")
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    outcomes: list[bool] = []
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory(prefix=f"tandem-load-{backend}-") as tmp:
            folder = Path(tmp)
            if backend == "sqlite":
                outcomes += run_backend(backend, f"sqlite:///{folder / 'tandem.db'}", folder, args)
                continue
            with postgres_database() as url:
                if url is None:
                    print("load [postgres]: skipped (TANDEM_TEST_POSTGRES_URL is not set)")
                    continue
                outcomes += run_backend(backend, url, folder, args)
    return 0 if outcomes and all(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
