"""Input and output shapes of inventory records; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator

from tandem.inventory import rules, validators
from tandem.inventory.vocab import DATA_CATEGORIES, DATA_SUBJECTS

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Cpe = Annotated[str, AfterValidator(validators.check_cpe)]
Purl = Annotated[str, AfterValidator(validators.check_purl)]
Ip = Annotated[str, AfterValidator(validators.check_ip)]
Mac = Annotated[str, AfterValidator(validators.check_mac)]
Country = Annotated[str, AfterValidator(validators.check_country)]
Hostname = Annotated[str, AfterValidator(validators.check_hostname)]
Currency = Annotated[str, AfterValidator(validators.check_currency)]
Domain = Annotated[str, AfterValidator(validators.check_domain)]
Level = Annotated[int, Field(ge=1, le=4)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
# What a person types for a service the asset offers: `443/tcp https tls`, `22 ssh`, `53/udp dns`.
DeclaredService = Annotated[str, StringConstraints(max_length=80), AfterValidator(validators.check_service)]
DeclaredServices = Annotated[list[DeclaredService], Field(max_length=64), AfterValidator(validators.check_services)]
ServiceSpec = validators.ServiceSpec
parse_service = validators.parse_service

Lifecycle = Literal["plan", "build", "run", "retire"]
TimeDisposition = Literal["tolerate", "invest", "migrate", "eliminate"]
Hosting = Literal["on-prem", "iaas", "saas"]
Classification = Literal["public", "internal", "confidential", "restricted"]
AssetKind = Literal["host", "network-device", "cloud-resource", "endpoint"]
Environment = Literal["production", "staging", "test", "development"]
Criticality = Literal["low", "medium", "high", "critical"]
StoreKind = Literal["database", "file-share", "object-bucket", "saas", "spreadsheet"]
Employment = Literal["active", "leave", "contractor", "terminated"]


def _category(value: str) -> str:
    if value not in DATA_CATEGORIES:
        raise ValueError(f"unknown data category {value!r} (known: {', '.join(DATA_CATEGORIES)})")
    return value


def _subject(value: str) -> str:
    if value not in DATA_SUBJECTS:
        raise ValueError(f"unknown data subject {value!r} (known: {', '.join(DATA_SUBJECTS)})")
    return value


Category = Annotated[str, AfterValidator(_category)]
Subject = Annotated[str, AfterValidator(_subject)]


class Money(BaseModel):
    """An amount with its ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid")
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    currency: Currency


class Input(BaseModel):
    """Fields every inventory input shares."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    org_unit_id: uuid.UUID
    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "entered"


class Output(BaseModel):
    """Fields every inventory output shares."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    org_unit_id: uuid.UUID
    source: str
    last_verified_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


# --- people, vendors, capabilities ------------------------------------------------------------


class PersonCreate(Input):
    full_name: Name
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_lower=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    ]
    department: Short = ""
    job_title: Short = ""
    manager_id: uuid.UUID | None = None
    employment_status: Employment = "active"
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class PersonRead(Output):
    full_name: str
    email: str
    department: str
    job_title: str
    manager_id: uuid.UUID | None
    employment_status: str
    start_date: dt.date | None
    end_date: dt.date | None


class VendorCreate(Input):
    name: Name
    domains: list[Domain] = Field(default_factory=list, max_length=50)
    country: Country = ""
    services: Text = ""
    description: Text = ""


class VendorRead(Output):
    name: str
    domains: list[str]
    country: str
    services: str
    description: str


class CapabilityCreate(Input):
    name: Name
    parent_id: uuid.UUID | None = None
    description: Text = ""
    business_owner_id: uuid.UUID | None = None
    strategic_importance: Criticality = "medium"


class CapabilityRead(Output):
    name: str
    parent_id: uuid.UUID | None
    description: str
    business_owner_id: uuid.UUID | None
    strategic_importance: str


# --- applications -----------------------------------------------------------------------------


class ApplicationCreate(Input):
    name: Name
    description: Text = ""
    business_owner_id: uuid.UUID | None = None
    it_owner_id: uuid.UUID | None = None
    lifecycle_stage: Lifecycle = "run"
    plan_date: dt.date | None = None
    build_date: dt.date | None = None
    run_date: dt.date | None = None
    retire_date: dt.date | None = None
    time_disposition: TimeDisposition | None = None
    time_rationale: Text = ""
    run_cost: Money | None = None
    change_cost: Money | None = None
    user_count: Annotated[int, Field(ge=0)] | None = None
    hosting: Hosting | None = None
    vendor_id: uuid.UUID | None = None
    data_classification: Classification = "internal"
    confidentiality: Level | None = None
    integrity: Level | None = None
    availability: Level | None = None
    rto_hours: Annotated[float, Field(ge=0)] | None = None
    rpo_hours: Annotated[float, Field(ge=0)] | None = None
    internet_exposed: bool = False
    sso: bool = False
    mfa: bool = False
    security_owner_id: uuid.UUID | None = None


class Finding(BaseModel):
    """A consistency problem on a record: flagged, not silently accepted."""

    field: str
    message: str


class ApplicationRead(Output):
    name: str
    description: str
    business_owner_id: uuid.UUID | None
    it_owner_id: uuid.UUID | None
    lifecycle_stage: str
    plan_date: dt.date | None
    build_date: dt.date | None
    run_date: dt.date | None
    retire_date: dt.date | None
    time_disposition: str | None
    time_rationale: str
    # Absent from an answer when the caller may not see costs (inventory.costs.view); null means "no cost set".
    run_cost: Money | None = None
    change_cost: Money | None = None
    user_count: int | None
    hosting: str | None
    vendor_id: uuid.UUID | None
    data_classification: str
    confidentiality: int | None
    integrity: int | None
    availability: int | None
    rto_hours: float | None
    rpo_hours: float | None
    internet_exposed: bool
    sso: bool
    mfa: bool
    security_owner_id: uuid.UUID | None
    findings: list[Finding]

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        out = {name: getattr(data, name, None) for name in cls.model_fields if hasattr(data, name)}
        for prefix in ("run_cost", "change_cost"):
            minor, currency = getattr(data, f"{prefix}_minor"), getattr(data, f"{prefix}_currency")
            out[prefix] = None if minor is None else {"amount": Decimal(minor) / 100, "currency": currency}
        out["findings"] = [{"field": f, "message": m} for f, m in rules.application_findings(data)]
        return out


# --- assets, software, data stores ------------------------------------------------------------


class AssetCreate(Input):
    hostname: Hostname
    kind: AssetKind = "host"
    ip_addresses: list[Ip] = Field(default_factory=list, max_length=64)
    mac_addresses: list[Mac] = Field(default_factory=list, max_length=64)
    declared_services: DeclaredServices = Field(default_factory=list)
    os_name: Short = ""
    os_version: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    environment: Environment = "production"
    location: Short = ""
    owner_id: uuid.UUID | None = None
    criticality: Criticality = "medium"
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    description: Text = ""


class AssetRead(Output):
    hostname: str
    kind: str
    ip_addresses: list[str]
    mac_addresses: list[str]
    declared_services: list[str] = []
    os_name: str
    os_version: str
    environment: str
    location: str
    owner_id: uuid.UUID | None
    criticality: str
    tags: list[str]
    description: str


class SoftwareCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    version: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    vendor: Short = ""
    cpe: Cpe | None = None
    purl: Purl | None = None
    asset_id: uuid.UUID | None = None
    application_id: uuid.UUID | None = None


class SoftwareRead(Output):
    name: str
    version: str
    vendor: str
    cpe: str | None
    purl: str | None
    asset_id: uuid.UUID | None
    application_id: uuid.UUID | None


class DataStoreCreate(Input):
    name: Name
    kind: StoreKind = "database"
    location: Short = ""
    country: Country = ""
    data_categories: list[Category] = Field(default_factory=list)
    data_subjects: list[Subject] = Field(default_factory=list)
    record_count: Annotated[int, Field(ge=0)] | None = None
    classification: Classification = "internal"
    owner_id: uuid.UUID | None = None
    encrypted_at_rest: bool = False
    description: Text = ""


class DataStoreRead(Output):
    name: str
    kind: str
    location: str
    country: str
    data_categories: list[str]
    data_subjects: list[str]
    record_count: int | None
    classification: str
    owner_id: uuid.UUID | None
    encrypted_at_rest: bool
    description: str


# --- relations --------------------------------------------------------------------------------

EntityKind = Literal["person", "vendor", "capability", "application", "asset", "software", "data_store"]


class RelationCreate(Input):
    type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    source_kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    source_id: uuid.UUID
    target_kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    target_id: uuid.UUID
    notes: Text = ""


class RelationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    notes: Text | None = None
    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class RelationRead(Output):
    type: str
    source_kind: str
    source_id: uuid.UUID
    target_kind: str
    target_id: uuid.UUID
    notes: str


# --- updates: every create field optional, same validation ----------------------------------


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """Return a PATCH schema: the fields of model, all optional, unknown fields still rejected."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        fields[field_name] = (Optional[annotation], None)  # noqa: UP045
    return create_model(name, __config__=ConfigDict(extra="forbid", str_strip_whitespace=True), **fields)


PersonUpdate = partial(PersonCreate, "PersonUpdate")
VendorUpdate = partial(VendorCreate, "VendorUpdate")
CapabilityUpdate = partial(CapabilityCreate, "CapabilityUpdate")
ApplicationUpdate = partial(ApplicationCreate, "ApplicationUpdate")
AssetUpdate = partial(AssetCreate, "AssetUpdate")
SoftwareUpdate = partial(SoftwareCreate, "SoftwareUpdate")
DataStoreUpdate = partial(DataStoreCreate, "DataStoreUpdate")


class AttestIn(BaseModel):
    """An owner's confirmation that a record is still correct."""

    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class GraphNode(BaseModel):
    kind: str
    id: uuid.UUID
    label: str
    depth: int
    path: list[str]


class GraphEdge(BaseModel):
    type: str
    source_id: uuid.UUID
    target_id: uuid.UUID


class GraphOut(BaseModel):
    """The result of an impact or exposure query: reached nodes with their path, and the edges walked."""

    root: GraphNode
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = False
