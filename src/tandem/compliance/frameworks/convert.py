"""Turn parsed framework content (OSCAL catalogs, CSF, HIPAA, GDPR, ISO ids, simple files) into drafts.

Pure: no database. A draft is what the repository writes in one bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tandem.compliance.content.csf import Csf
from tandem.compliance.content.gdpr import Article
from tandem.compliance.content.hipaa import HipaaItem
from tandem.compliance.content.iso27001 import THEMES, AnnexAControl
from tandem.compliance.content.simple_format import SimpleFramework
from tandem.compliance.oscal.model import Catalog, Control, Group

ASSESSABLE_KINDS = frozenset(
    {"control", "enhancement", "subcategory", "standard", "implementation", "article", "requirement"}
)


@dataclass(slots=True)
class ItemDraft:
    """One requirement node before it has a database id."""

    ref: str
    title: str
    kind: str
    parent_ref: str | None = None
    label: str = ""
    text: str = ""
    guidance: str = ""
    withdrawn: bool = False
    withdrawn_note: str = ""
    base_ref: str | None = None

    @property
    def assessable(self) -> bool:
        """Tell whether an assessment gets a result row for this node."""
        return self.kind in ASSESSABLE_KINDS and not self.withdrawn


@dataclass(slots=True)
class FrameworkDraft:
    """A framework version ready to store."""

    key: str
    name: str
    version: str
    kind: str
    items: list[ItemDraft]
    description: str = ""
    source: str = ""
    base_key: str | None = None
    base_version: str | None = None
    problems: list[str] = field(default_factory=list)


def _control_items(control: Control, parent: str | None, base: bool) -> Iterator[ItemDraft]:
    stack: list[tuple[Control, str | None]] = [(control, parent)]
    while stack:
        c, up = stack.pop()
        yield ItemDraft(
            ref=c.id,
            label=c.label,
            title=c.title,
            kind="enhancement" if c.parent else "control",
            parent_ref=up,
            text=c.statement,
            guidance=c.guidance,
            withdrawn=c.withdrawn,
            base_ref=c.id if base else None,
        )
        stack.extend((child, c.id) for child in reversed(c.controls))


def _group_items(group: Group, parent: str | None, number: int, base: bool) -> Iterator[ItemDraft]:
    ref = group.id or f"group-{number}"
    yield ItemDraft(ref=ref, label=(group.id or "").upper(), title=group.title, kind="group", parent_ref=parent)
    for index, sub in enumerate(group.groups):
        yield from _group_items(sub, ref, number * 100 + index, base)
    for control in group.controls:
        yield from _control_items(control, ref, base)


def from_catalog(catalog: Catalog, key: str, name: str | None = None, *, resolved: bool = False) -> FrameworkDraft:
    """Draft a framework from an OSCAL catalog (or a resolved profile: items then keep their base ids)."""
    items: list[ItemDraft] = []
    for number, group in enumerate(catalog.groups, start=1):
        items.extend(_group_items(group, None, number, resolved))
    for control in catalog.controls:
        items.extend(_control_items(control, None, resolved))
    meta = catalog.metadata
    return FrameworkDraft(
        key=key,
        name=name or meta.title,
        version=meta.version,
        kind="baseline" if resolved else "catalog",
        items=items,
        source=f"OSCAL {meta.oscal_version}",
    )


def from_csf(csf: Csf) -> FrameworkDraft:
    """Draft NIST CSF 2.0: functions, categories and subcategories, withdrawn 1.1 items marked."""
    items = [
        ItemDraft(
            ref=i.id,
            label=i.id,
            title=i.title,
            kind=i.kind,
            parent_ref=i.parent,
            text=i.text,
            guidance="\n".join(i.examples),
            withdrawn=i.withdrawn,
            withdrawn_note=(i.withdrawn_note or "")[:500],
        )
        for i in csf.items
    ]
    return FrameworkDraft(
        "nist-csf", "NIST Cybersecurity Framework", "2.0", "catalog", items, source=f"NIST CSF 2.0 OSCAL {csf.version}"
    )


def from_hipaa(rule: tuple[HipaaItem, ...], version: str) -> FrameworkDraft:
    """Draft the HIPAA Security Rule: standards with their implementation specifications."""
    groups = sorted({i.safeguard for i in rule}, key=[i.safeguard for i in rule].index)
    items = [ItemDraft(ref=g, label=g.capitalize(), title=f"{g.capitalize()} safeguards", kind="group") for g in groups]
    for i in rule:
        items.append(
            ItemDraft(
                ref=i.citation,
                label=f"§{i.citation}",
                title=f"{i.title} ({i.requirement})" if i.kind == "implementation" else i.title,
                kind=i.kind,
                parent_ref=i.parent or i.safeguard,
                text=i.summary,
            )
        )
    name = "HIPAA Security Rule"
    return FrameworkDraft("hipaa-security-rule", name, version, "regulation", items, source="45 CFR 164 Subpart C")


def from_gdpr(articles: list[Article], only_relevant: bool = True) -> FrameworkDraft:
    """Draft GDPR: the articles a security and privacy programme implements (or all of them)."""
    chosen = [a for a in articles if a.relevant or not only_relevant]
    chapters = list(dict.fromkeys(a.chapter for a in chosen))
    items = [ItemDraft(ref=f"ch-{n}", label=c.split(":")[0], title=c, kind="group") for n, c in enumerate(chapters, 1)]
    chapter_ref = {c: f"ch-{n}" for n, c in enumerate(chapters, 1)}
    for a in chosen:
        items.append(
            ItemDraft(
                ref=a.id, label=f"Art. {a.number}", title=a.title, kind="article",
                parent_ref=chapter_ref[a.chapter], text=a.text,
            )
        )  # fmt: skip
    return FrameworkDraft(
        "eu-gdpr", "GDPR (Regulation (EU) 2016/679)", "2016/679", "regulation", items, source="EUR-Lex"
    )


def from_iso(controls: tuple[AnnexAControl, ...], version: str) -> FrameworkDraft:
    """Draft ISO/IEC 27001:2022 Annex A with identifiers only (titles are © ISO, users import their own)."""
    items = [ItemDraft(ref=p, label=p, title=f"{theme.capitalize()} controls", kind="group") for p, theme, _ in THEMES]
    for c in controls:
        items.append(ItemDraft(ref=c.id, label=c.id, title=c.id, kind="requirement", parent_ref=c.id.rsplit(".", 1)[0]))
    note = "Identifiers only; import your licensed copy for titles and text."
    return FrameworkDraft("iso27001-annex-a", "ISO/IEC 27001 Annex A", version, "catalog", items, description=note)


def from_simple(framework: SimpleFramework, key: str, name: str, version: str) -> FrameworkDraft:
    """Draft a framework read from the simple CSV/YAML format."""
    items = [
        ItemDraft(ref=i.id, label=i.id, title=i.title, kind=i.kind, parent_ref=i.parent_id, text=i.description)
        for i in framework.items
    ]
    return FrameworkDraft(key, name or framework.name or key, version or framework.version or "1", "simple", items)
