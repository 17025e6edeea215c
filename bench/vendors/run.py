"""Vendor engines at scale: a 2,000-question questionnaire (CSV and XLSX) and tiering + rules for 20,000 vendors.

Named baselines, measured in the same run: the floor of merely reading the same file with the standard library
(csv.reader) or openpyxl in read-only mode, so the ratio is what header detection, validation and located errors cost
on top. Figures are best of 3 on a shared machine: read ratios, not absolute seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook, load_workbook

from tandem.vendors.engine import flags, questionnaire, tiering

QUESTIONS = 2000
VENDORS = 20_000
CATEGORIES = ["contact", "identity", "health", "financial", "payment-card", "marketing", "credentials", "employment"]


def best(fn: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    """Return the best wall seconds over repeats and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def rows() -> list[list[Any]]:
    """Return a SIG-sized questionnaire as rows under a two-line title block."""
    out: list[list[Any]] = [["Questionnaire (licensed copy)", "", "", "", ""], ["", "", "", "", ""],
                            ["Ref #", "Domain", "Question Text", "Maps To", "Weight"]]  # fmt: skip
    for n in range(QUESTIONS):
        out.append([f"Q{n}", f"Domain {n % 20}", f"Is control number {n} implemented and tested?",
                    f"800-53:AC-{n % 25 + 1}; GDPR:Art.32", n % 3 + 1])  # fmt: skip
    return out


def main() -> None:
    """Print parse rates with ratios against the reading floors, and the tiering + rules rate."""
    data = rows()
    text = io.StringIO()
    csv.writer(text).writerows(data)
    raw_csv = text.getvalue().encode()
    floor, _ = best(lambda: list(csv.reader(io.StringIO(raw_csv.decode()))))
    ours, parsed = best(lambda: questionnaire.parse(raw_csv, "sig.csv"))
    print(f"questionnaire CSV, {QUESTIONS:,} questions: {QUESTIONS / ours:,.0f} questions/s; "
          f"{ours / floor:.1f}x the csv.reader floor ({len(parsed.questions):,} read)")  # fmt: skip
    book = Workbook()
    for row in data:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    raw_xlsx = buf.getvalue()
    floor, _ = best(
        lambda: list(load_workbook(io.BytesIO(raw_xlsx), read_only=True).active.iter_rows(values_only=True))
    )
    ours, parsed = best(lambda: questionnaire.parse(raw_xlsx, "sig.xlsx"))
    print(f"questionnaire XLSX, {QUESTIONS:,} questions: {QUESTIONS / ours:,.0f} questions/s; "
          f"{ours / floor:.2f}x the openpyxl read-only floor")  # fmt: skip
    rng = random.Random(7)
    exposures = [tiering.Exposure(frozenset(rng.sample(CATEGORIES, rng.randint(0, 4))), rng.randint(0, 5_000_000),
                                  rng.choice(["none", "remote", "privileged"]), ("restricted", "internal"), (3, 4))
                 for _ in range(VENDORS)]  # fmt: skip
    today = dt.date(2026, 11, 27)
    facts = [flags.Facts(vendor_country=rng.choice(["US", "FR", "JP", "IN"]), phi=rng.random() < 0.2,
                         eu_personal=rng.random() < 0.3, papers=(flags.Paper("soc2", "signed", today),))
             for _ in range(VENDORS)]  # fmt: skip
    took, _ = best(lambda: ([tiering.tier_of(e) for e in exposures], [flags.evaluate(f, today) for f in facts]))
    print(f"tiering + agreement rules, {VENDORS:,} vendors: {VENDORS / took:,.0f} vendors/s ({took * 1000:,.0f} ms)")
