"""Pure parsers of access inputs: the four CSV files, activity events, SCIM 2.0 resources.

Bytes in, typed rows or located errors out; no database, no web framework.
"""

from tandem.access.importers.rows import (
    AccountRow,
    AssignmentRow,
    EntitlementRow,
    EventRow,
    IdentityRow,
    ParseFailed,
)
from tandem.access.importers.tabular import KINDS, parse_file

__all__ = [
    "KINDS",
    "AccountRow",
    "AssignmentRow",
    "EntitlementRow",
    "EventRow",
    "IdentityRow",
    "ParseFailed",
    "parse_file",
]
