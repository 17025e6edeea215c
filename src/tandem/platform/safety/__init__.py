"""Safety gate for every Tandem import, upload and outbound fetch."""

from .archives import (
    WORKBOOK_ERRORS,
    ArchiveMember,
    ExtractedMember,
    extract_members,
    gunzip_limited,
    inspect_tar,
    inspect_zip,
)
from .csvsafe import escape_cell, iter_csv, read_csv, write_csv
from .errors import BlockedURL, InvalidXML, TooLarge, TypeMismatch, UnsafeArchive, UnsafeInput, UnsafeXML
from .uploads import read_limited, safe_filename, sniff_type
from .urls import ResolvedURL, check_url, fetch, is_blocked_address
from .xml import iterparse_xml, parse_xml

__all__ = [
    "WORKBOOK_ERRORS",
    "ArchiveMember",
    "BlockedURL",
    "ExtractedMember",
    "InvalidXML",
    "ResolvedURL",
    "TooLarge",
    "TypeMismatch",
    "UnsafeArchive",
    "UnsafeInput",
    "UnsafeXML",
    "check_url",
    "escape_cell",
    "extract_members",
    "fetch",
    "gunzip_limited",
    "inspect_tar",
    "inspect_zip",
    "is_blocked_address",
    "iter_csv",
    "iterparse_xml",
    "parse_xml",
    "read_csv",
    "read_limited",
    "safe_filename",
    "sniff_type",
    "write_csv",
]
