"""Pure vulnerability feed parsers (NVD 2.0, KEV, EPSS, OSV) and the CPE/purl matchers; bytes in, values out."""

from .aliases import AliasTable, aliases_from_cpe_dictionary
from .cpe import ANY, NA, Cpe, CpeError, Relation, compare_values, name_matches, parse_cpe, parse_fs, parse_uri
from .epss import EpssScore, EpssSnapshot, parse_epss_csv
from .errors import FeedError, load_json
from .inventory import InventoryItem
from .kev import KevCatalog, KevEntry, parse_kev_csv, parse_kev_json
from .matcher import GroupMatch, Match, Matcher, PreparedInventory, match
from .nvd import Configuration, CpeCriterion, CveRecord, CvssMetric, Node, parse_nvd
from .osv import OsvAdvisory, OsvAffected, OsvEvent, OsvRange, affected_reason, parse_osv
from .priority import Priority, prioritise
from .versions import compare_versions, split_banner, version_key

__all__ = [
    "ANY",
    "NA",
    "AliasTable",
    "Configuration",
    "Cpe",
    "CpeCriterion",
    "CpeError",
    "CveRecord",
    "CvssMetric",
    "EpssScore",
    "EpssSnapshot",
    "FeedError",
    "GroupMatch",
    "InventoryItem",
    "KevCatalog",
    "KevEntry",
    "Match",
    "Matcher",
    "Node",
    "OsvAdvisory",
    "OsvAffected",
    "OsvEvent",
    "OsvRange",
    "PreparedInventory",
    "Priority",
    "Relation",
    "affected_reason",
    "aliases_from_cpe_dictionary",
    "compare_values",
    "compare_versions",
    "load_json",
    "match",
    "name_matches",
    "parse_cpe",
    "parse_epss_csv",
    "parse_fs",
    "parse_kev_csv",
    "parse_kev_json",
    "parse_nvd",
    "parse_osv",
    "parse_uri",
    "prioritise",
    "split_banner",
    "version_key",
]
