"""The detection pass: one Hyperscan scan, validators and context on candidates, overlaps resolved."""

from __future__ import annotations

import bisect
from functools import lru_cache
from operator import attrgetter, le

from .cues import judge_cells, judge_cue, judge_key
from .findings import Detection
from .layout import Layout, find_layout
from .matcher import pattern_rules, scan
from .names import find_names
from .values import JUDGES, Judge

DEFAULT_MIN_CONFIDENCE = 0.5
_START = attrgetter("start")
_END = attrgetter("end")


def _rank(detection: Detection) -> tuple[float, int, int]:
    return -detection.confidence, detection.start - detection.end, detection.start


def _resolve_ranked(detections: list[Detection]) -> list[Detection]:
    """Keep the most confident (then longest) detection wherever several overlap, in text order."""
    starts: list[int] = []
    kept: list[Detection] = []
    for detection in sorted(detections, key=_rank):
        slot = bisect.bisect_left(starts, detection.start)
        if slot > 0 and kept[slot - 1].end > detection.start:
            continue
        if slot < len(kept) and kept[slot].start < detection.end:
            continue
        starts.insert(slot, detection.start)
        kept.insert(slot, detection)
    return kept


def _resolve(detections: list[Detection]) -> list[Detection]:
    """Keep the most confident (then longest) detection wherever several overlap.

    Only runs of mutually overlapping detections need ranking; the rest are kept as they are.
    """
    if any(map(le, map(_END, detections), map(_START, detections))):
        return _resolve_ranked(detections)
    kept: list[Detection] = []
    cluster: list[Detection] = []
    reach = -1
    for detection in sorted(detections, key=_START):
        if detection.start < reach:
            cluster.append(detection)
            reach = max(reach, detection.end)
            continue
        kept.extend(cluster if len(cluster) == 1 else _resolve_ranked(cluster))
        cluster = [detection]
        reach = detection.end
    kept.extend(cluster if len(cluster) == 1 else _resolve_ranked(cluster))
    return kept


@lru_cache(maxsize=1)
def _judges() -> tuple[tuple[Judge, str], ...]:
    """Per compiled pattern, its judge and rule: values by validator, field names and cue words by context."""
    judges: dict[str, Judge] = {**JUDGES, "key": judge_key}
    return tuple((judges.get(rule, judge_cue), rule) for rule in pattern_rules())


def detect_with_layout(text: str, layout: Layout, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return non-overlapping detections in `text` whose tables are described by `layout`, in text order."""
    detections: list[Detection] = []
    append = detections.append
    judges = _judges()
    for start, index, ends in scan(text):
        judge, rule = judges[index]
        found = judge(text, start, ends, rule, layout)
        if found is not None:
            append(found)
    detections.extend(judge_cells(text, layout))
    detections.extend(find_names(text, layout))
    return [d for d in _resolve(detections) if d.confidence >= min_confidence]


def detect(text: str, *, delimited: bool = False, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return the sensitive values in `text` (exact `str` offsets); `delimited` treats it as one CSV/TSV table."""
    return detect_with_layout(text, find_layout(text, delimited), min_confidence)
