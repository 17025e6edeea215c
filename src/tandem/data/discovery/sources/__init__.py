"""Pure extraction: bytes of a file in, text segments with their location out."""

from .dispatch import MAX_NESTING, Segment, extract_segments

__all__ = ["MAX_NESTING", "Segment", "extract_segments"]
