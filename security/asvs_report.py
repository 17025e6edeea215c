"""OWASP ASVS 5.0 (L1 + L2) coverage: which applicable requirements have at least one passing test tagged with
`@pytest.mark.asvs("Vx.y.z")`, read from the junit file of a `make security` run.

Usage: python -m security.asvs_report var/security-junit.xml [--out var/asvs-report.md]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from defusedxml.ElementTree import parse

REQUIREMENTS = Path(__file__).with_name("asvs-5.0-l2.csv")
KINDS = {"T": "tested against the app", "D": "documentation", "P": "deployment (reverse proxy)"}


def load_requirements() -> list[dict[str, str]]:
    """Return the 212 applicable requirements with their level and kind."""
    with REQUIREMENTS.open(newline="") as f:
        return list(csv.DictReader(f))


def passing_tests(junit: Path) -> dict[str, list[str]]:
    """Return requirement id → names of passing tests tagged with it."""
    covered: dict[str, list[str]] = defaultdict(list)
    for case in parse(junit).getroot().iter("testcase"):
        if any(case.find(tag) is not None for tag in ("failure", "error", "skipped")):
            continue
        for prop in case.iter("property"):
            if prop.get("name") == "asvs":
                covered[prop.get("value", "")].append(f"{case.get('classname')}::{case.get('name')}")
    return covered


def report(requirements: list[dict[str, str]], covered: dict[str, list[str]]) -> tuple[str, int, int]:
    """Return the Markdown report and the covered/total counts of app-testable requirements."""
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for req in requirements:
        by_kind[req["kind"].rstrip("*")].append(req)
    lines = ["# OWASP ASVS 5.0 L2 coverage", ""]
    for kind, reqs in sorted(by_kind.items(), key=lambda kv: "TDP".index(kv[0])):
        done = [r for r in reqs if covered.get(r["id"])]
        lines += [f"- {KINDS[kind]}: **{len(done)}/{len(reqs)}** with a passing tagged test"]
    unknown = sorted(set(covered) - {r["id"] for r in requirements})
    if unknown:
        lines += ["", f"Tags that name no applicable requirement: {', '.join(unknown)}"]
    lines += ["", "| id | level | kind | requirement | passing tests |", "|---|---|---|---|---|"]
    for req in requirements:
        tests = covered.get(req["id"], [])
        lines.append(f"| {req['id']} | {req['level']} | {req['kind']} | {req['requirement']} | {len(tests) or '—'} |")
    tested = by_kind["T"]
    return "\n".join(lines) + "\n", sum(1 for r in tested if covered.get(r["id"])), len(tested)


def main(argv: list[str] | None = None) -> int:
    """Write the report and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit", type=Path)
    parser.add_argument("--out", type=Path, default=Path("var/asvs-report.md"))
    args = parser.parse_args(argv)
    if not args.junit.exists():
        print(f"{args.junit}: no such junit file (run `make security` first)", file=sys.stderr)
        return 2
    text, done, total = report(load_requirements(), passing_tests(args.junit))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print("\n".join(line for line in text.splitlines() if line.startswith("- ")))
    print(f"ASVS app-testable coverage: {done}/{total}; full table in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
