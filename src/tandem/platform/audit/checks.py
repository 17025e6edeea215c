"""The platform's automated control check: the audit log's hash chain and signed checkpoints verify."""

from __future__ import annotations

from tandem.platform.audit import service
from tandem.platform.checks import CheckOutcome, CheckRun, control_check


@control_check(
    "platform.audit_chain_verifies",
    "Audit log chain verifies",
    "Recomputes every audit entry's hash chain and checks the head row and every signed checkpoint (in the "
    "database and the exported file); fails at the first entry that was changed, removed or reordered.",
)
def audit_chain_verifies(run: CheckRun) -> CheckOutcome:
    """Check that the audit log's hash chain and checkpoints verify (the whole installation, whatever the scope)."""
    report = service.verify(run.session)
    row = [
        "verified" if report.ok else "broken",
        report.entries,
        report.checkpoints,
        report.first_bad_seq,
        report.reason,
    ]
    return CheckOutcome(
        passed=report.ok,
        summary=report.summary(),
        columns=["chain", "entries", "checkpoints", "first bad entry", "reason"],
        rows=[row],
        examined=report.entries,
        failing=0 if report.ok else 1,
    )
