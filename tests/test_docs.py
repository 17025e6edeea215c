"""The README stays true: every setting and every CLI group is documented (Datasette-style docs tests)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from tandem.domains import DOMAINS
from tandem.platform.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _settings_classes() -> list[type[BaseSettings]]:
    classes: list[type[BaseSettings]] = [Settings]
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"tandem.{domain}.settings")
        except ModuleNotFoundError:
            continue
        classes += [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, BaseSettings) and v is not BaseSettings
        ]
    return classes


def _env_names() -> list[str]:
    names = []
    for cls in _settings_classes():
        prefix = cls.model_config.get("env_prefix", "")
        names += [f"{prefix}{field}".upper() for field in cls.model_fields]
    return names


@pytest.mark.asvs("V2.1.3")
@pytest.mark.parametrize("name", _env_names())
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is not documented in README.md's configuration tables"


@pytest.mark.parametrize(
    "group", ["init", "serve", "worker", "demo", "db", "users", "tokens", "audit", "jobs", *DOMAINS]
)
def test_every_cli_group_is_in_the_readme(group: str) -> None:
    assert f"`{group}" in README or f" {group} " in README or f"tandem {group}" in README, group


@pytest.mark.asvs("V15.1.3")
def test_resource_heavy_functions_are_documented_with_their_limits() -> None:
    from tandem.platform.api.export import MAX_ITEMS

    text = (Path(__file__).resolve().parents[1] / "SECURITY.md").read_text()
    section = text.split("## Resource-heavy functions", 1)[1].split("\n## ", 1)[0]
    for name in ("TANDEM_MAX_BODY_BYTES", "TANDEM_MAX_UPLOAD_BYTES", "TANDEM_INVENTORY_MAX_IMPORT_ROWS",
                 "TANDEM_INVENTORY_JOB_THRESHOLD_ROWS", "TANDEM_PUBLIC_REQUESTS_PER_MINUTE",
                 "TANDEM_STRATEGY_MAX_PLANS_IN_PROGRESS"):  # fmt: skip
        assert f"`{name}`" in section, name
    assert f"{MAX_ITEMS:,}" in section
