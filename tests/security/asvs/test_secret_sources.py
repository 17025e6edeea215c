"""ASVS V13.3.1: secrets come from the environment or from per-installation key files, never from the code. No
setting that holds a secret has a built-in value, and nothing that ships (the package, the security tooling, the docs)
contains a credential."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tandem.platform.config import Settings

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = [*(ROOT / n for n in ("src", "security", "bench", "README.md", "SECURITY.md", "Makefile", "pyproject.toml"))]
CREDENTIAL = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|sk_live_[0-9A-Za-z]{24}|tdm_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{32,}|AIza[0-9A-Za-z_-]{35}"
)
SECRET_NAME = re.compile(r"(secret|password|_key|token)$")


def _text_files() -> list[Path]:
    files: list[Path] = []
    for top in SHIPPED:
        candidates = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
        files += [p for p in candidates if "__pycache__" not in p.parts and p.suffix not in {".pyc", ".so", ".png"}]
    return files


@pytest.mark.asvs("V13.3.1")
def test_nothing_that_ships_contains_a_credential() -> None:
    files = _text_files()
    assert len(files) > 200
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)[:12]}…" for m in CREDENTIAL.finditer(text)]
    assert found == []


@pytest.mark.asvs("V13.3.1")
def test_secret_settings_have_no_built_in_value_and_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_fields = [name for name in Settings.model_fields if SECRET_NAME.search(name)]
    assert {"secret_key", "audit_key", "smtp_password", "oidc_client_secret"} <= set(secret_fields)
    for name in secret_fields:
        assert Settings.model_fields[name].default in ("", None), name
    monkeypatch.setenv("TANDEM_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("TANDEM_OIDC_CLIENT_SECRET", "from-the-environment")
    configured = Settings(data_dir=tmp_path)
    assert configured.key("secret") == b"k" * 48 and configured.oidc_client_secret == "from-the-environment"
    assert not (tmp_path / "secret.key").exists()  # a key given in the environment is not also written to disk
    monkeypatch.delenv("TANDEM_SECRET_KEY")
    generated = Settings(data_dir=tmp_path).key("secret")  # otherwise: a per-installation file, made once
    assert generated != b"k" * 48 and (tmp_path / "secret.key").read_bytes().strip() == generated
    assert Settings(data_dir=tmp_path).key("secret") == generated
