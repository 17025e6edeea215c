"""Pure access analysis: effective access and findings over integer-indexed arrays (numpy), no database."""

from tandem.access.analysis.engine import Dataset, Finding, Settings, analyse, effective_pairs
from tandem.access.analysis.reach import Reach, ReachIndex

__all__ = ["Dataset", "Finding", "Reach", "ReachIndex", "Settings", "analyse", "effective_pairs"]
