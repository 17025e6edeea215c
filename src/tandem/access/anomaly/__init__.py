"""Pure activity analytics: fraud and misuse rules over events, and a per-system IsolationForest."""

from tandem.access.anomaly.model import outliers
from tandem.access.anomaly.rules import Event, Rules, Signal, run_rules

__all__ = ["Event", "Rules", "Signal", "outliers", "run_rules"]
