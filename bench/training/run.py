"""Training parsers and metrics at scale: GoPhish CSV and xAPI statements of a 50,000-person organisation.

Named baselines, measured in the same run: the floor of merely reading the same bytes with the standard library
(csv.DictReader for the CSV, json.loads for the statements), so the ratio is what validation, timestamps and
located errors cost on top. Figures are best of 3 on a shared machine: read ratios, not absolute seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable
from typing import Any

from tandem.training.engine import phishing
from tandem.training.importers import gophish, lms

PEOPLE = 20_000
STATUSES = ["Email Sent", "Email Opened", "Clicked Link", "Submitted Data"]


def best(fn: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    """Return the best wall seconds over repeats and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def gophish_csv(rng: random.Random) -> bytes:
    """Return a GoPhish results export of PEOPLE recipients."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "status", "ip", "latitude", "longitude", "send_date", "reported", "modified_date",
                     "email", "first_name", "last_name", "position"])  # fmt: skip
    base = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    for n in range(PEOPLE):
        sent = base + dt.timedelta(seconds=n % 3600)
        changed = sent + dt.timedelta(minutes=rng.randint(1, 900))
        writer.writerow([f"r{n}", rng.choices(STATUSES, [60, 25, 10, 5])[0], "198.51.100.7", "0", "0",
                         sent.strftime("%Y-%m-%dT%H:%M:%S.123456789Z"), rng.random() < 0.2,
                         changed.strftime("%Y-%m-%dT%H:%M:%S.123456789Z"), f"p{n}@example.org", "Ana", "Lopez",
                         "Nurse"])  # fmt: skip
    return out.getvalue().encode()


def xapi(rng: random.Random) -> bytes:
    """Return PEOPLE xAPI statements (a fifth of them launched/experienced, which are skipped)."""
    verbs = ["passed", "completed", "failed", "launched", "experienced"]
    return json.dumps([{"actor": {"mbox": f"mailto:p{n}@example.org"},
                        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{rng.choice(verbs)}"},
                        "object": {"id": "https://lms.example.org/xapi/activities/sa-2026"},
                        "result": {"score": {"scaled": round(rng.random(), 2)}},
                        "timestamp": "2026-09-20T13:41:07.482Z"} for n in range(PEOPLE)]).encode()  # fmt: skip


def main() -> None:
    """Print parse rates and ratios against the standard-library reading floor, and the metrics time."""
    rng = random.Random(7)
    data, statements = gophish_csv(rng), xapi(rng)
    floor_csv, _ = best(lambda: list(csv.DictReader(io.StringIO(data.decode()))))
    ours_csv, rows = best(lambda: gophish.parse_csv(data, "results.csv"))
    print(f"GoPhish CSV, {PEOPLE:,} rows: {PEOPLE / ours_csv:,.0f} rows/s; "
          f"{ours_csv / floor_csv:.1f}x the csv.DictReader floor ({PEOPLE / floor_csv:,.0f} rows/s)")  # fmt: skip
    floor_json, _ = best(lambda: json.loads(statements))
    ours_json, parsed = best(lambda: lms.parse_xapi(statements, "x.json"))
    print(f"xAPI statements, {PEOPLE:,}: {PEOPLE / ours_json:,.0f} statements/s ({len(parsed):,} kept); "
          f"{ours_json / floor_json:.1f}x the json.loads floor")  # fmt: skip
    outcomes = [phishing.Outcome(c, r.email, "IT", r.sent_at, r.opened_at, r.clicked_at, r.submitted_at,
                                 r.reported_at) for c in range(3) for r in rows]  # fmt: skip
    took, clickers = best(lambda: (phishing.metrics(outcomes), phishing.repeat_clickers(outcomes)))
    print(f"metrics + repeat clickers over 3 campaigns × {PEOPLE:,}: {took * 1000:,.0f} ms "
          f"({len(clickers[1]):,} repeat clickers)")  # fmt: skip
