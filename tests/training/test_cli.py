"""`tandem training import` as an operator uses it: phishing results, then a rejected LMS file (located errors,
exit 2). CLI start-up costs seconds per call, so one test walks the story; the read-only commands run in-process
in test_api.py."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run

DATA = Path(__file__).parent / "data"


def test_imports_from_the_command_line(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    phish = run(tmp_path, "training", "import", str(DATA / "gophish_timeline.json"), "--kind", "phishing",
                "--campaign", "Q4 EHR password expiry")  # fmt: skip
    assert phish.returncode == 0, phish.stderr
    assert "gophish_timeline.json: campaign 'Q4 EHR password expiry': 3 results, 3 not matched" in phish.stdout

    bad = run(tmp_path, "training", "import", str(DATA / "lms_completions.csv"), "--kind", "completions")
    assert bad.returncode == 2, (bad.stdout, bad.stderr)
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    assert "lms_completions.csv:2: email: nobody with ana.lopez@acme.example in the inventory" in bad.stderr
    assert "lms_completions.csv:4: course: no course titled or identified" in bad.stderr
