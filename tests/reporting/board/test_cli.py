"""`tandem report board` as an operator uses it: publish a quarter's PDF, then an HTML draft of the next version,
and list them (one CLI story: start-up is slow)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from pypdf import PdfReader

from tandem.reporting.board.quarters import quarter_of
from tests.support.cli import run


def test_board_pack_files_and_list(tmp_path: Path) -> None:
    quarter = quarter_of(dt.date.today()).label
    assert run(tmp_path, "init", "--org", "Cli Org").returncode == 0
    made = run(tmp_path, "report", "board", "--quarter", quarter, "--out", str(tmp_path / "pack.pdf"), "--publish")
    assert made.returncode == 0, made.stderr
    assert f"{quarter} board pack version 1 (published)" in made.stdout and "[6/6] Data collected" in made.stderr
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "pack.pdf").read_bytes())).pages)
    assert f"Cli Org: board report {quarter}" in text and "No incidents this quarter." in text

    html = run(tmp_path, "report", "board", "-q", quarter, "-o", str(tmp_path / "pack.html"))
    assert html.returncode == 0 and "version 2 (draft)" in html.stdout
    assert (tmp_path / "pack.html").read_text().startswith("<!doctype html>")

    listed = json.loads(run(tmp_path, "report", "board-list", "--json").stdout)
    assert [(p["quarter"], p["version"], p["status"]) for p in listed] == [(quarter, 2, "draft"),
                                                                            (quarter, 1, "published")]  # fmt: skip
