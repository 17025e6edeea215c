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
# Requirements whose condition Tandem does not meet (ASVS words them "if the application uses X"), with the reason.
NOT_APPLICABLE = Path(__file__).with_name("asvs-not-applicable.csv")
KINDS = {"T": "tested against the app", "D": "documentation", "P": "deployment (reverse proxy)"}


def load_requirements() -> list[dict[str, str]]:
    """Return the 212 applicable requirements with their level and kind."""
    with REQUIREMENTS.open(newline="") as f:
        return list(csv.DictReader(f))


def not_applicable() -> dict[str, str]:
    """Return requirement id → why it does not apply to Tandem."""
    with NOT_APPLICABLE.open(newline="") as f:
        return {row["id"]: row["reason"] for row in csv.DictReader(f)}


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


def report(
    requirements: list[dict[str, str]], covered: dict[str, list[str]], na: dict[str, str] | None = None
) -> tuple[str, int, int, int]:
    """Return the Markdown report, the covered and total counts of app-testable requirements, and how many of the
    uncovered ones do not apply (listed with their reason; a tagged passing test makes the reason moot)."""
    na = {} if na is None else na
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for req in requirements:
        by_kind[req["kind"].rstrip("*")].append(req)
    lines = ["# OWASP ASVS 5.0 L2 coverage", ""]
    for kind, reqs in sorted(by_kind.items(), key=lambda kv: "TDP".index(kv[0])):
        done = [r for r in reqs if covered.get(r["id"])]
        moot = sum(1 for r in reqs if r["id"] in na and not covered.get(r["id"]))
        lines += [f"- {KINDS[kind]}: **{len(done)}/{len(reqs)}** with a passing tagged test"
                  + (f", {moot} not applicable (listed below)" if moot else "")]  # fmt: skip
    unknown = sorted((set(covered) | set(na)) - {r["id"] for r in requirements})
    if unknown:
        lines += ["", f"Tags or N/A entries that name no applicable requirement: {', '.join(unknown)}"]
    lines += ["", "| id | level | kind | requirement | passing tests |", "|---|---|---|---|---|"]
    for req in requirements:
        tests = covered.get(req["id"], [])
        shown = len(tests) or ("N/A" if req["id"] in na else "—")
        lines.append(f"| {req['id']} | {req['level']} | {req['kind']} | {req['requirement']} | {shown} |")
    listed = [r for r in requirements if r["id"] in na and not covered.get(r["id"])]
    if listed:
        lines += ["", "## Not applicable to Tandem", "", "| id | requirement | why |", "|---|---|---|"]
        lines += [f"| {r['id']} | {r['requirement']} | {na[r['id']]} |" for r in listed]
    tested = by_kind["T"]
    done_t = sum(1 for r in tested if covered.get(r["id"]))
    na_t = sum(1 for r in tested if r["id"] in na and not covered.get(r["id"]))
    return "\n".join(lines) + "\n", done_t, len(tested), na_t


def main(argv: list[str] | None = None) -> int:
    """Write the report and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit", type=Path)
    parser.add_argument("--out", type=Path, default=Path("var/asvs-report.md"))
    args = parser.parse_args(argv)
    if not args.junit.exists():
        print(f"{args.junit}: no such junit file (run `make security` first)", file=sys.stderr)
        return 2
    text, done, total, moot = report(load_requirements(), passing_tests(args.junit), not_applicable())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print("\n".join(line for line in text.splitlines() if line.startswith("- ")))
    print(
        f"ASVS app-testable coverage: {done}/{total}; {moot} more do not apply to Tandem ({done}/{total - moot} of "
        f"those that do); full table and the reasons in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
