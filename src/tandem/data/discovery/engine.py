"""The detection pass: one Hyperscan scan, validators and context on candidates, overlaps resolved."""

from __future__ import annotations

import bisect

from .cues import judge_cells, judge_cue, judge_key
from .findings import Detection
from .layout import Layout, find_layout
from .matcher import find_candidates
from .names import find_names
from .values import JUDGES

DEFAULT_MIN_CONFIDENCE = 0.5


def _resolve(detections: list[Detection]) -> list[Detection]:
    """Keep the most confident (then longest) detection wherever several overlap."""
    ranked = sorted(detections, key=lambda d: (-d.confidence, d.start - d.end, d.start))
    starts: list[int] = []
    kept: list[Detection] = []
    for detection in ranked:
        slot = bisect.bisect_left(starts, detection.start)
        if slot > 0 and kept[slot - 1].end > detection.start:
            continue
        if slot < len(kept) and kept[slot].start < detection.end:
            continue
        starts.insert(slot, detection.start)
        kept.insert(slot, detection)
    return kept


def detect_with_layout(text: str, layout: Layout, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return non-overlapping detections in `text` whose tables are described by `layout`, in text order."""
    detections: list[Detection] = []
    for cand in find_candidates(text):
        rule = cand.pattern.rule
        judge = JUDGES.get(rule)
        if judge is not None:
            found = judge(text, cand, layout)
        elif rule == "key":
            found = judge_key(text, cand, layout)
        else:
            found = judge_cue(text, cand, layout)
        if found is not None:
            detections.append(found)
    detections.extend(judge_cells(text, layout))
    detections.extend(find_names(text, layout))
    return [d for d in _resolve(detections) if d.confidence >= min_confidence]


def detect(text: str, *, delimited: bool = False, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return the sensitive values in `text` (exact `str` offsets); `delimited` treats it as one CSV/TSV table."""
    return detect_with_layout(text, find_layout(text, delimited), min_confidence)
