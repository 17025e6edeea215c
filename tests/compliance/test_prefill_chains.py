"""Pre-fill follows mapping chains (A→B→C→D over equivalent/subset mappings, at most 3 hops, no cycles)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from tandem.compliance.assessments import service as assessments
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import AssessmentCreate, MappingCreate, ResultUpdate
from tandem.platform.auth.principal import CONSOLE
from tests.compliance.conftest import Org


def _framework(session: Session, name: str) -> uuid.UUID:
    csv = f"id,parent_id,title,kind\n{name}.1,,One,requirement\n{name}.2,,Two,requirement\n".encode()
    return frameworks.import_simple(session, CONSOLE, csv, f"{name}.csv", name, "1").id


def _map(session: Session, fws: dict[str, uuid.UUID], here: str, rel: str, there: str) -> None:
    def rid(ref: str) -> uuid.UUID:
        return frameworks.get_requirement(session, CONSOLE, fws[ref.rsplit(".", 1)[0]], ref).id

    mappings.add_mapping(
        session,
        CONSOLE,
        MappingCreate(source_id=rid(here), target_id=rid(there), relationship=rel),
    )


def _results(session: Session, org: Org, framework: uuid.UUID, source: uuid.UUID) -> dict[str, tuple[str, str]]:
    data = AssessmentCreate(title="T", framework_id=framework, org_unit_id=org.it, prefill_from_id=source)
    created = assessments.create_assessment(session, CONSOLE, data)
    return {r["ref"]: (r["result"], r["prefilled_from"]) for r in assessments.results(session, CONSOLE, created.id)}


def test_prefill_follows_chains_of_at_most_three_hops(
    session: Session, library: dict[str, uuid.UUID], org: Org
) -> None:
    tag = uuid.uuid4().hex[:5]
    fws = {f"{x}{tag}": _framework(session, f"{x}{tag}") for x in "abcde"}
    a, b, c, d, e = fws
    _map(session, fws, f"{b}.1", "equivalent-to", f"{a}.1")
    _map(session, fws, f"{c}.1", "subset-of", f"{b}.1")
    _map(session, fws, f"{b}.1", "equivalent-to", f"{c}.1")  # a cycle B.1 ↔ C.1: never walked twice
    _map(session, fws, f"{d}.1", "equivalent-to", f"{c}.1")
    _map(session, fws, f"{e}.1", "equivalent-to", f"{d}.1")  # a fourth hop: too far
    _map(session, fws, f"{b}.2", "intersects-with", f"{a}.2")  # a partial hop ends the chain
    _map(session, fws, f"{c}.2", "equivalent-to", f"{b}.2")
    source = assessments.create_assessment(
        session, CONSOLE, AssessmentCreate(title="Source A", framework_id=fws[a], org_unit_id=org.it)
    )
    for ref in (f"{a}.1", f"{a}.2"):
        assessments.set_result(session, CONSOLE, source.id, ref, ResultUpdate(result="satisfied"), "tester")

    on_d = _results(session, org, fws[d], source.id)
    assert on_d[f"{d}.1"] == (
        "satisfied",
        f"pre-filled from Source A via {a} {a}.1 → {b} {b}.1 → {c} {c}.1 → {d} {d}.1",
    )
    assert on_d[f"{d}.2"] == ("not-assessed", None)
    on_b = _results(session, org, fws[b], source.id)
    assert on_b[f"{b}.1"][0] == "satisfied" and on_b[f"{b}.2"][0] == "partially"
    on_c = _results(session, org, fws[c], source.id)
    assert on_c[f"{c}.1"] == ("satisfied", f"pre-filled from Source A via {a} {a}.1 → {b} {b}.1 → {c} {c}.1")
    assert on_c[f"{c}.2"] == ("not-assessed", None)  # B.2 was only reached partially
    on_e = _results(session, org, fws[e], source.id)
    assert on_e[f"{e}.1"] == ("not-assessed", None)
    d_assessment = _assessments_of(session, fws[d])[0]
    assert assessments.progress(session, CONSOLE, d_assessment)["done"] == 0  # pre-fills await confirmation
    confirmed = assessments.confirm_prefill(session, CONSOLE, d_assessment, f"{d}.1", "tester")
    assert confirmed.prefilled_from is None and confirmed.result == "satisfied"


def _assessments_of(session: Session, framework: uuid.UUID) -> list[uuid.UUID]:
    from sqlalchemy import select

    from tandem.compliance.models import Assessment

    return list(session.scalars(select(Assessment.id).where(Assessment.framework_id == framework)))
