"""Check targets in parallel: admit each one against the scope, then TCP, then TLS; collect findings and evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from tandem.monitoring.scanners.checks import Finding

from . import probe, rules
from .scope import OutOfScope, Scope, admit, freeze, normalise_host
from .targets import Target


@dataclass
class Outcome:
    """The result of checking one target."""

    target: Target
    address: str = ""
    reachable: bool = False
    refused: str = ""
    findings: list[Finding] = field(default_factory=list)
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOptions:
    """How checks run."""

    timeout: float = 5.0
    workers: int = 16
    ca_file: str = ""


def check_target(scope: Scope, target: Target, options: CheckOptions, now: dt.datetime) -> Outcome:
    """Check one target; a target outside the scope is refused before any connection is opened."""
    try:
        addresses = admit(scope, target.host, target.port)
    except OutOfScope as exc:
        return Outcome(target, refused=exc.reason)
    address = str(addresses[0])
    tcp = probe.tcp_check(address, target.port, options.timeout)
    outcome = Outcome(target, address, tcp.reachable, findings=rules.judge_tcp(target, tcp))
    tls = None
    if tcp.reachable and target.tls:
        _, literal = normalise_host(target.host)
        sni = None if literal is not None else target.host
        tls = probe.tls_check(address, target.port, sni, options.timeout, options.ca_file)
        outcome.findings += rules.judge_tls(target, address, tls, now)
    outcome.evidence = rules.summary(target, address, tcp, tls)
    return outcome


def run_checks(
    scope: Scope, targets: list[Target], options: CheckOptions, now: dt.datetime,
    on_done: Callable[[int, Outcome], None] | None = None,
) -> Iterator[Outcome]:  # fmt: skip
    """Yield the outcome of every target as it completes; `on_done(count, outcome)` may raise to stop early."""
    scope = freeze(scope)
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(targets) or 1))) as pool:
        futures = [pool.submit(check_target, scope, t, options, now) for t in targets]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                outcome = future.result()
                if on_done is not None:
                    on_done(done, outcome)
                yield outcome
        finally:
            for future in futures:
                future.cancel()
