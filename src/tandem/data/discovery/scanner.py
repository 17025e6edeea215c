"""Scan texts and files into storable findings (masked, keyed-hashed, located) with per-row co-occurrence."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.platform.safety import UnsafeInput

from .context import key_before
from .engine import DEFAULT_MIN_CONFIDENCE, detect_with_layout, find_layout
from .findings import Detection, Finding, Location, ScanResult
from .masking import keyed_hash, mask
from .sources import Segment, extract_segments
from .types import EntityType


@dataclass(frozen=True)
class Scanner:
    """Detection settings plus the HMAC key that makes value hashes comparable within one deployment."""

    hash_key: bytes
    min_confidence: float = DEFAULT_MIN_CONFIDENCE

    def __post_init__(self) -> None:
        if len(self.hash_key) < 16:
            raise ValueError("hash_key must be at least 16 bytes")

    def scan_text(self, text: str, path: str = "<text>", delimited: bool = False) -> ScanResult:
        """Scan one text and return its findings and co-occurrence."""
        result = ScanResult()
        self._scan_segment(Segment(text, path, delimited=delimited), result)
        return result

    def scan_bytes(self, data: bytes, path: str) -> ScanResult:
        """Scan a file or archive; unsafe or unreadable input is reported in `errors`, not raised."""
        result = ScanResult()
        try:
            for segment in extract_segments(data, path):
                self._scan_segment(segment, result)
        except UnsafeInput as exc:
            result.errors.append(str(exc))
        except (ValueError, KeyError, OSError) as exc:
            result.errors.append(f"{path}: cannot read: {exc}")
        return result

    def _scan_segment(self, segment: Segment, result: ScanResult) -> None:
        text = segment.text
        layout = find_layout(text, segment.delimited)
        groups: dict[str, set[EntityType]] = {}
        for detection in detect_with_layout(text, layout, self.min_confidence):
            cell = layout.cell_at(detection.start)
            location = Location(
                path=segment.path,
                line=text.count("\n", 0, detection.start) + 1,
                column=cell.key if cell else None,
                row=cell.row if cell else None,
                key=None if cell else key_before(text, detection.start),
                sheet=segment.sheet,
                page=segment.page,
            )
            result.findings.append(self._finding(text, detection, location))
            group = _group(segment, location)
            groups.setdefault(group, set()).add(detection.type)
            groups.setdefault(_group(segment, None), set()).add(detection.type)
        for group, types in groups.items():
            result.cooccurrence[group] = result.cooccurrence.get(group, frozenset()) | types

    def _finding(self, text: str, detection: Detection, location: Location) -> Finding:
        value = text[detection.start : detection.end]
        return Finding(
            type=detection.type,
            confidence=round(detection.confidence, 3),
            rule=detection.rule,
            location=location,
            start=detection.start,
            end=detection.end,
            masked=mask(detection.type, value),
            value_hash=keyed_hash(self.hash_key, detection.type, value),
        )


def _group(segment: Segment, location: Location | None) -> str:
    """Name the co-occurrence unit: a table row, a line of a log or JSON Lines file, or the whole document."""
    where = (
        segment.path + (f"#{segment.sheet}" if segment.sheet else "") + (f"#p{segment.page}" if segment.page else "")
    )
    if location is None:
        return where
    if location.row is not None:
        return f"{where}#row{location.row}"
    return f"{where}#line{location.line}"
