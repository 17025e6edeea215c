"""Pure sensitive-data discovery engine: bytes or text in, located, masked and hashed findings out."""

from .engine import detect
from .findings import Detection, Finding, Location, ScanResult
from .masking import keyed_hash, mask
from .scanner import Scanner
from .sources import Segment, extract_segments
from .types import SECRET_TYPES, VALIDATED_TYPES, EntityType

__all__ = [
    "SECRET_TYPES",
    "VALIDATED_TYPES",
    "Detection",
    "EntityType",
    "Finding",
    "Location",
    "ScanResult",
    "Scanner",
    "Segment",
    "detect",
    "extract_segments",
    "keyed_hash",
    "mask",
]
