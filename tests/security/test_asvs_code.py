"""ASVS requirements proved by reading the code: an AST scan of src/tandem for the constructs they forbid.

Each rule names the call or import it bans and the few places allowed to use it (with why). The scan is exact
(names resolved through imports, not text grep), so a comment or a string never trips it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"
# Non-security randomness: sample data and Monte Carlo simulation draws; secrets come from `secrets`.
RANDOM_ALLOWED = ("demo", "simulation", "sampling", "fair")


@cache
def modules() -> list[tuple[Path, dict[str, str], list[tuple[ast.Call, str]]]]:
    """Parse every module of src/tandem once for all the rules: (path, its imports, its calls)."""
    parsed = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        parsed.append((path, imported_names(tree), list(calls(tree))))
    return parsed


def dotted(node: ast.expr) -> str:
    """Return `a.b.c` for a Name/Attribute chain, '' otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Return local name → fully qualified name for every import in the module."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def calls(tree: ast.Module) -> Iterator[tuple[ast.Call, str]]:
    """Yield each call with its callee's fully qualified name (through the module's imports)."""
    names = imported_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := dotted(node.func)):
            head, _, rest = name.partition(".")
            yield node, ".".join(p for p in (names.get(head, head), rest) if p)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True


def _eval(call: ast.Call, name: str) -> bool:
    return name in ("eval", "exec", "compile", "__import__")


def _unsafe_yaml(call: ast.Call, name: str) -> bool:
    loader = keyword(call, "Loader")
    return name in ("yaml.load", "yaml.unsafe_load", "yaml.full_load") and (
        loader is None or "Safe" not in dotted(loader)
    )


def _shell(call: ast.Call, name: str) -> bool:
    spawn = name in ("os.system", "os.popen", "os.spawnl", "os.spawnlp", "os.execl", "os.execlp")
    return spawn or (name.startswith("subprocess.") and _is_true(keyword(call, "shell")))


def _template(call: ast.Call, name: str) -> bool:
    return name.endswith((".from_string", "jinja2.Template", "string.Template")) and "PackageURL" not in name


def _weak_hash(call: ast.Call, name: str) -> bool:
    weak = name in ("hashlib.md5", "hashlib.sha1") or (
        name == "hashlib.new" and bool(call.args) and isinstance(call.args[0], ast.Constant)
        and str(call.args[0].value).lower() in ("md5", "sha1")
    )  # fmt: skip
    flag = keyword(call, "usedforsecurity")
    return weak and not (isinstance(flag, ast.Constant) and flag.value is False)


CALL_RULES = {
    "eval": _eval,
    "deserialization": _unsafe_yaml,
    "shell": _shell,
    "templates": _template,
    "hashes": _weak_hash,
}
IMPORT_RULES = {"deserialization": ("pickle", "marshal", "shelve", "dill"), "random": ("random",)}


def findings(rule: str) -> list[str]:
    """Return `file:line: callee` (or `file: imports x`) for every violation of a rule."""
    found = []
    for path, imports, module_calls in modules():
        where = path.relative_to(SRC.parent)
        banned = IMPORT_RULES.get(rule, ())
        exempt = rule == "random" and any(part in str(where) for part in RANDOM_ALLOWED)
        found += [f"{where}: imports {q}" for q in imports.values() if q.split(".")[0] in banned and not exempt]
        if check := CALL_RULES.get(rule):
            found += [f"{where}:{call.lineno}: {name}" for call, name in module_calls if check(call, name)]
    return found


@pytest.mark.asvs("V1.3.2")
def test_no_eval_or_dynamic_code() -> None:
    assert not findings("eval")


@pytest.mark.asvs("V1.5.2")
def test_no_unsafe_deserialization() -> None:
    assert not findings("deserialization")


@pytest.mark.asvs("V1.2.5")
def test_no_shell_commands() -> None:
    assert not findings("shell")


@pytest.mark.asvs("V1.3.7")
def test_no_templates_built_from_strings() -> None:
    assert not findings("templates")


@pytest.mark.asvs("V11.4.1")
def test_md5_and_sha1_only_for_non_security_use() -> None:
    assert not findings("hashes")


@pytest.mark.asvs("V11.5.1")
def test_random_module_only_for_sample_data_and_simulation() -> None:
    assert not findings("random")


def test_the_scanner_sees_what_it_bans(tmp_path: Path) -> None:
    """The rules above must not pass by being blind: a planted module trips every one of them."""
    planted = (
        "import pickle, random, subprocess, hashlib, yaml\nfrom jinja2 import Template\n"
        "eval('1')\nsubprocess.run('x', shell=True)\nTemplate('{{x}}')\nhashlib.md5(b'')\nyaml.load('a')\n"
    )
    tree = ast.parse(planted)
    names = {name for _, name in calls(tree)}
    assert {"eval", "subprocess.run", "jinja2.Template", "hashlib.md5", "yaml.load"} <= names
    assert {"pickle", "random"} <= set(imported_names(tree).values())
