"""The inventory's entity kinds: model, schemas, list options, natural key and references of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tandem.inventory import models as m
from tandem.inventory import schemas as s
from tandem.platform.db.paging import ListSpec

COMMON_SORT = ("created_at", "updated_at")
COMMON_FILTERS = ("org_unit_id", "source")


@dataclass(frozen=True)
class Kind:
    """How one entity kind is stored, validated, listed, keyed and shown."""

    plural: str  # REST path segment and CLI --kind
    entity: str  # the kind's name in relations and references ("application:Epic")
    title: str
    model: Any
    create: type[BaseModel]
    update: type[BaseModel]
    read: type[BaseModel]
    spec: ListSpec
    key: tuple[str, ...]  # natural key inside an org unit
    label: str  # the attribute shown as the record's name
    refs: dict[str, str] = field(default_factory=dict)  # field -> entity kind it must point at
    owner: str | None = None  # field naming the accountable person (freshness view)
    lens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # detail page sections


def _spec(sort: tuple[str, ...], filters: tuple[str, ...], search: tuple[str, ...]) -> ListSpec:
    return ListSpec(sort + COMMON_SORT, "-created_at", filters + COMMON_FILTERS, search)


PEOPLE = Kind(
    "people",
    "person",
    "People",
    m.Person,
    s.PersonCreate,
    s.PersonUpdate,
    s.PersonRead,
    _spec(
        ("full_name", "email", "department"),
        ("department", "employment_status", "manager_id"),
        ("full_name", "email", "department", "job_title"),
    ),
    ("email",),
    "full_name",
    {"manager_id": "person"},
    "manager_id",
    {
        "Person": (
            "full_name",
            "email",
            "department",
            "job_title",
            "manager_id",
            "employment_status",
            "start_date",
            "end_date",
        )
    },
)
VENDORS = Kind(
    "vendors",
    "vendor",
    "Vendors",
    m.Vendor,
    s.VendorCreate,
    s.VendorUpdate,
    s.VendorRead,
    _spec(("name", "country"), ("country",), ("name", "services")),
    ("name",),
    "name",
    {},
    None,
    {"Vendor": ("name", "domains", "country", "services", "description")},
)
CAPABILITIES = Kind(
    "capabilities",
    "capability",
    "Capabilities",
    m.Capability,
    s.CapabilityCreate,
    s.CapabilityUpdate,
    s.CapabilityRead,
    _spec(("name", "strategic_importance"), ("parent_id", "strategic_importance"), ("name", "description")),
    ("name",),
    "name",
    {"parent_id": "capability", "business_owner_id": "person"},
    "business_owner_id",
    {"Capability": ("name", "parent_id", "description", "business_owner_id", "strategic_importance")},
)
APPLICATIONS = Kind(
    "applications",
    "application",
    "Applications",
    m.Application,
    s.ApplicationCreate,
    s.ApplicationUpdate,
    s.ApplicationRead,
    _spec(
        ("name", "lifecycle_stage", "data_classification"),
        (
            "lifecycle_stage",
            "time_disposition",
            "hosting",
            "data_classification",
            "vendor_id",
            "internet_exposed",
            "business_owner_id",
            "it_owner_id",
            "security_owner_id",
        ),
        ("name", "description"),
    ),
    ("name",),
    "name",
    {"business_owner_id": "person", "it_owner_id": "person", "security_owner_id": "person", "vendor_id": "vendor"},
    "it_owner_id",
    {
        "CIO lens": (
            "business_owner_id",
            "it_owner_id",
            "lifecycle_stage",
            "plan_date",
            "build_date",
            "run_date",
            "retire_date",
            "time_disposition",
            "time_rationale",
            "run_cost",
            "change_cost",
            "user_count",
            "hosting",
            "vendor_id",
        ),
        "CISO lens": (
            "data_classification",
            "confidentiality",
            "integrity",
            "availability",
            "rto_hours",
            "rpo_hours",
            "internet_exposed",
            "sso",
            "mfa",
            "security_owner_id",
        ),
    },
)
ASSETS = Kind(
    "assets",
    "asset",
    "Assets",
    m.Asset,
    s.AssetCreate,
    s.AssetUpdate,
    s.AssetRead,
    _spec(
        ("hostname", "criticality", "environment", "os_name"),
        ("kind", "environment", "criticality", "os_name", "location", "owner_id"),
        ("hostname", "os_name", "location"),
    ),
    ("hostname",),
    "hostname",
    {"owner_id": "person"},
    "owner_id",
    {
        "CIO lens": ("kind", "environment", "location", "owner_id", "os_name", "os_version", "tags"),
        "CISO lens": ("criticality", "ip_addresses", "mac_addresses", "declared_services", "description"),
    },
)
SOFTWARE = Kind(
    "software",
    "software",
    "Software",
    m.SoftwareComponent,
    s.SoftwareCreate,
    s.SoftwareUpdate,
    s.SoftwareRead,
    _spec(
        ("name", "version", "vendor"),
        ("name", "version", "vendor", "asset_id", "application_id", "cpe", "purl"),
        ("name", "vendor", "cpe", "purl"),
    ),
    ("name", "version", "asset_id", "application_id"),
    "name",
    {"asset_id": "asset", "application_id": "application"},
    None,
    {"Component": ("name", "version", "vendor", "cpe", "purl", "asset_id", "application_id")},
)
DATA_STORES = Kind(
    "data-stores",
    "data_store",
    "Data stores",
    m.DataStore,
    s.DataStoreCreate,
    s.DataStoreUpdate,
    s.DataStoreRead,
    _spec(
        ("name", "kind", "classification", "country"),
        ("kind", "classification", "country", "owner_id", "encrypted_at_rest"),
        ("name", "location", "description"),
    ),
    ("name",),
    "name",
    {"owner_id": "person"},
    "owner_id",
    {
        "CIO lens": ("kind", "location", "country", "owner_id", "record_count", "data_subjects"),
        "CISO lens": ("classification", "data_categories", "encrypted_at_rest", "description"),
    },
)
RELATIONS = Kind(
    "relations",
    "relation",
    "Relations",
    m.Relation,
    s.RelationCreate,
    s.RelationUpdate,
    s.RelationRead,
    _spec(("type",), ("type", "source_kind", "source_id", "target_kind", "target_id"), ("type", "notes")),
    ("type", "source_id", "target_id"),
    "type",
    {},
    None,
    {"Relation": ("type", "source_kind", "source_id", "target_kind", "target_id", "notes")},
)

KINDS: dict[str, Kind] = {
    k.plural: k for k in (PEOPLE, VENDORS, CAPABILITIES, APPLICATIONS, ASSETS, SOFTWARE, DATA_STORES, RELATIONS)
}
ENTITIES: dict[str, Kind] = {k.entity: k for k in KINDS.values() if k.entity != "relation"}


def kind_of(name: str) -> Kind:
    """Return a kind by plural, entity name or a common spelling (data-stores, data_store, app)."""
    key = name.strip().lower()
    aliases = {"data_stores": "data-stores", "datastores": "data-stores", "apps": "applications"}
    key = aliases.get(key, key)
    if key in KINDS:
        return KINDS[key]
    if key.replace("-", "_") in ENTITIES:
        return ENTITIES[key.replace("-", "_")]
    raise KeyError(name)
