"""The detection pass: one Hyperscan scan, validators and context on candidates, overlaps resolved."""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Callable
from functools import lru_cache, partial
from operator import attrgetter, le
from pathlib import Path
from typing import TYPE_CHECKING

from . import context, cues, matcher, names
from . import layout as layouts
from .cues import judge_cells, judge_cue, judge_key
from .findings import Detection
from .layout import Layout, Table
from .matcher import pattern_rules, scan
from .names import find_names
from .types import Member as M
from .validators import iban, ids, phone
from .values import JUDGES, Judge

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ._core import Detector

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


# The judges the compiled core runs itself, by rule (its J_* codes); every other rule's judge is called from it.
_CORE_CODES = {
    "email": 1,
    "phone_us": 2,
    "phone_intl": 2,
    "ssn_dashed": 3,
    "card_plain": 4,
    "card_grouped": 4,
    "iban_compact": 5,
    "iban_print": 5,
    "ipv4": 6,
    "ipv6": 7,
    "aws_key_id": 8,
    "ssn_spaced": 9,
    "key": 10,
    **dict.fromkeys(cues._CUE_TYPES, 11),
    "github_token": 12,
}


def _stale(built: Path) -> bool:
    """Return whether a source of the compiled core changed after it was built (an editable install does not
    rebuild it on its own, and a stale build would silently disagree with the pure path)."""
    sources = [*built.parent.glob("_core.pyx"), *built.parent.glob("_*.pxi")]
    return any(source.stat().st_mtime > built.stat().st_mtime for source in sources)


@lru_cache(maxsize=1)
def compiled_core() -> Detector | None:
    """Return the compiled detection pass (`_core.pyx`) when it is built and not switched off, else None.

    `TANDEM_DISCOVERY_PURE=1` selects the pure-Python path, the reference the compiled one must equal.
    """
    if os.environ.get("TANDEM_DISCOVERY_PURE", "") not in ("", "0"):
        return None
    try:
        from . import _core
    except ImportError:  # not built (no compiler at install time): the pure path runs
        return None
    if _stale(Path(_core.__file__)):
        log.warning("the compiled discovery core is older than its sources (rebuild: make install); using pure Python")
        return None
    judges = _judges()
    rules = [rule for _, rule in judges]
    return _core.Detector(
        matcher.database(),
        matcher.core_tables(),
        [judge for judge, _ in judges],
        rules,
        [_CORE_CODES.get(rule, 0) for rule in rules],
        Detection,
        (M.EMAIL, M.PHONE, M.US_SSN, M.US_ITIN, M.CREDIT_CARD, M.IBAN, M.IP_ADDRESS, M.AWS_ACCESS_KEY_ID),
        (
            context.key_before,
            context.preceded_by_version_word,
            context.is_non_pii_key,
            context.type_for_key,
            phone._international_ok,
            iban._LENGTHS,
            context._VERSION_WORD_ENDS,
            ids._ITIN_GROUPS,
            ids._RETIRED_SSNS,
        ),
        names,
        cues,
    )


def detect_with_layout(text: str, layout: Layout, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return non-overlapping detections in `text` whose tables are described by `layout`, in text order."""
    core = compiled_core()
    if core is not None:
        return core.detect(text, matcher.framed(text), layout, min_confidence)
    return detect_with_layout_pure(text, layout, min_confidence)


def detect_with_layout_pure(
    text: str, layout: Layout, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> list[Detection]:
    """Return what `detect_with_layout` returns, computed by the pure-Python modules only (the reference)."""
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


@lru_cache(maxsize=1)
def _compiled_layout() -> Callable[[str, bool], Layout] | None:
    if compiled_core() is None:
        return None
    from . import _core

    return partial(_core.find_layout, layout_type=Layout, table_type=Table, header=layouts._header)


def find_layout(text: str, delimited: bool = False) -> Layout:
    """Return `layout.find_layout(text, delimited)`, by the compiled core when it is built."""
    compiled = _compiled_layout()
    if compiled is not None:
        return compiled(text, delimited)
    return layouts.find_layout(text, delimited)


def detect(text: str, *, delimited: bool = False, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Detection]:
    """Return the sensitive values in `text` (exact `str` offsets); `delimited` treats it as one CSV/TSV table."""
    return detect_with_layout(text, find_layout(text, delimited), min_confidence)
