"""`tandem privacy ropa export` writes the RoPA file (one CLI story: start-up is slow)."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run


def test_ropa_export_writes_a_pdf(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    out = tmp_path / "ropa.pdf"
    done = run(tmp_path, "privacy", "ropa", "export", "--format", "pdf", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF") and "0 processing activities" in done.stdout
