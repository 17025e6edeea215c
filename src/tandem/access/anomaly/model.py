"""Per-system unsupervised outliers: IsolationForest on per-identity daily features, with the features that
stand out most (robust z-scores against the system's population) as the explanation."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from tandem.access.anomaly.rules import Event, Signal

FEATURES = ("events", "distinct_objects", "records", "bytes", "off_hours_share", "countries", "sensitive_share")
MIN_ROWS = 20


def _features(events: list[Event]) -> tuple[list[tuple[str, str, Any]], np.ndarray]:
    groups: dict[tuple[str, str, Any], list[Event]] = defaultdict(list)
    for e in events:
        groups[(e.system, e.who, e.time.date())].append(e)
    keys = sorted(groups, key=lambda k: (k[0], k[1], k[2]))
    rows = []
    for key in keys:
        evs = groups[key]
        off = sum(1 for e in evs if e.time.weekday() >= 5 or not 7 <= e.time.hour < 19)
        rows.append(
            [
                len(evs),
                len({e.object for e in evs}),
                sum(e.records for e in evs),
                sum(e.bytes for e in evs),
                off / len(evs),
                len({e.country for e in evs if e.country}),
                sum(e.sensitive for e in evs) / len(evs),
            ]
        )
    return keys, np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def outliers(events: list[Event], contamination: float = 0.02, seed: int = 0) -> list[Signal]:
    """Fit one IsolationForest per system and return the identity-days it isolates, with contributing features."""
    from sklearn.ensemble import IsolationForest  # imported here: scikit-learn adds ~2 s to every start-up

    keys, matrix = _features(events)
    out: list[Signal] = []
    systems = sorted({k[0] for k in keys})
    for system in systems:
        idx = np.array([n for n, k in enumerate(keys) if k[0] == system])
        if idx.size < MIN_ROWS:
            continue
        x = np.log1p(matrix[idx])
        forest = IsolationForest(n_estimators=50, contamination=contamination, random_state=seed).fit(x)
        flagged = forest.predict(x) == -1
        scores = forest.score_samples(x)
        median = np.median(x, axis=0)
        spread = np.percentile(x, 75, axis=0) - np.percentile(x, 25, axis=0)
        z = (x - median) / np.where(spread > 0, spread, np.maximum(np.abs(median), 1.0))
        for row in np.flatnonzero(flagged):
            _, who, day = keys[idx[row]]
            top = np.argsort(-np.abs(z[row]))[:3]
            contrib = [
                {
                    "feature": FEATURES[f],
                    "value": round(float(matrix[idx[row], f]), 3),
                    "typical": round(float(np.expm1(median[f])), 3),
                    "z": round(float(z[row, f]), 2),
                }
                for f in top
                if abs(z[row, f]) >= 1
            ]
            text = ", ".join(f"{c['feature']} {c['value']:g} vs typical {c['typical']:g}" for c in contrib)
            out.append(
                Signal(
                    "activity.outlier",
                    f"outlier:{system}:{who}:{day}",
                    "medium",
                    who,
                    f"Unusual activity on {system} on {day}: {text or 'unusual combination'}",
                    [],
                    {"system": system, "day": str(day), "score": round(float(scores[row]), 3), "contributing": contrib},
                )
            )
    return out
