"""Agreement and attestation rules: what a vendor's data access demands that is missing or expired."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tandem.platform.geo import EEA

ADEQUATE = frozenset(["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"])
PERSONAL_GROUPS = frozenset({"personal", "special"})


@dataclass(frozen=True)
class Paper:
    """An agreement or attestation as the rules see it."""

    kind: str
    status: str
    expires_on: dt.date | None = None

    def valid(self, today: dt.date) -> bool:
        """Return whether it is signed and not expired."""
        return self.status == "signed" and (self.expires_on is None or self.expires_on >= today)


@dataclass(frozen=True)
class Facts:
    """A vendor's reach and paperwork."""

    vendor_country: str = ""
    legal_role: str = "none"
    transfer_mechanism: str = "none"
    phi: bool = False
    eu_personal: bool = False
    papers: tuple[Paper, ...] = ()
    contract_ended: bool = False
    offboarding_done: bool = True
    last_assessed: dt.date | None = None
    cadence_days: int = 365
    ever_assessed: bool = False


@dataclass(frozen=True)
class Flag:
    """A rule that fired: a stable code, its severity and what to do."""

    code: str
    severity: str
    message: str
    requirements: list[str] = field(default_factory=list)


def _has(papers: Iterable[Paper], kind: str, today: dt.date) -> bool:
    return any(p.kind == kind and p.valid(today) for p in papers)


def _expired(papers: Iterable[Paper], kind: str, today: dt.date) -> bool:
    mine = [p for p in papers if p.kind == kind and p.status == "signed"]
    return bool(mine) and not any(p.valid(today) for p in mine)


def _data_flags(f: Facts, today: dt.date) -> list[Flag]:
    out = []
    if f.phi and not _has(f.papers, "baa", today):
        out.append(Flag("phi-without-baa", "critical", "reaches PHI without a signed, current BAA",
                        ["HIPAA:164.308(b)(1)", "HIPAA:164.504(e)"]))  # fmt: skip
    # An independent controller decides its own purposes: it needs a transfer basis, not an Art. 28 DPA.
    if f.eu_personal and f.legal_role != "independent-controller" and not _has(f.papers, "dpa", today):
        out.append(Flag("processor-without-dpa", "high", "processes EU personal data without a signed DPA",
                        ["GDPR:Art.28"]))  # fmt: skip
    third_country = bool(f.vendor_country) and f.vendor_country not in EEA and f.vendor_country not in ADEQUATE
    has_mechanism = f.transfer_mechanism != "none" or _has(f.papers, "scc", today)
    if f.eu_personal and third_country and not has_mechanism:
        out.append(Flag("transfer-without-mechanism", "high",
                        f"transfers EU personal data to {f.vendor_country} without SCCs, adequacy or another mechanism",
                        ["GDPR:Art.44", "GDPR:Art.46"]))  # fmt: skip
    return out


def evaluate(f: Facts, today: dt.date) -> list[Flag]:
    """Return every rule that fires for the facts, most severe first."""
    out = _data_flags(f, today)
    for kind, label in (("soc2", "SOC 2 report"), ("iso27001", "ISO 27001 certificate")):
        if _expired(f.papers, kind, today):
            out.append(Flag(f"{kind}-expired", "medium", f"the {label} has expired; ask for the current one",
                            ["800-53:SA-9", "800-53:SR-6"]))  # fmt: skip
    if f.contract_ended and not f.offboarding_done:
        out.append(Flag("offboarding-open", "high", "a contract has ended but its offboarding is not complete",
                        ["800-53:PS-7", "GDPR:Art.28(3)(g)"]))  # fmt: skip
    due = f.last_assessed + dt.timedelta(days=f.cadence_days) if f.last_assessed else None
    if f.ever_assessed and due is not None and due < today:
        out.append(Flag("reassessment-overdue", "medium", f"reassessment was due on {due.isoformat()}",
                        ["800-53:SA-9", "800-53:SR-6"]))  # fmt: skip
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(out, key=lambda x: (order[x.severity], x.code))
