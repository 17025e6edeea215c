"""Pure OSCAL engine: parse catalogs and profiles, resolve baselines, validate, and build OSCAL exports.

Imports no database or web framework: bytes or dataclasses in, dataclasses, JSON dicts or located errors out.
"""

from .catalog import catalog_from_dict, parse_catalog
from .catalog_xml import parse_catalog_xml
from .component import Component, Implementation, build_component_definition
from .errors import OscalError
from .ids import normalise_control_id
from .mapping import MappingRecord, MappingSet, to_mapping_collection
from .model import Catalog, Control, Group, Link, Metadata, Param, Part, Prop, Resource, render_params
from .poam import Milestone, PoamEntry, build_poam
from .profile import Profile, parse_profile, profile_from_dict
from .resolve import Resolver, resolve_profile, resolved_ids, resolver_from_files
from .results import AssessmentRun, ControlFinding, Evidence, Observation, build_assessment_results
from .skeleton import RequirementRecord, assessment_skeleton
from .validate import SchemaIssue, check_document, validate_document

__all__ = [
    "AssessmentRun",
    "Catalog",
    "Component",
    "Control",
    "ControlFinding",
    "Evidence",
    "Group",
    "Implementation",
    "Link",
    "MappingRecord",
    "MappingSet",
    "Metadata",
    "Milestone",
    "Observation",
    "OscalError",
    "Param",
    "Part",
    "PoamEntry",
    "Profile",
    "Prop",
    "RequirementRecord",
    "Resolver",
    "Resource",
    "SchemaIssue",
    "assessment_skeleton",
    "build_assessment_results",
    "build_component_definition",
    "build_poam",
    "catalog_from_dict",
    "check_document",
    "normalise_control_id",
    "parse_catalog",
    "parse_catalog_xml",
    "parse_profile",
    "profile_from_dict",
    "render_params",
    "resolve_profile",
    "resolved_ids",
    "resolver_from_files",
    "to_mapping_collection",
    "validate_document",
]
