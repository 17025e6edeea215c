"""Tolerant ordering for NVD's schemeless version strings, and banner-version normalisation.

No library orders NVD versions correctly (univers' GenericVersion ranks 2.4.49 < 2.4.5; Debian and RPM put
`-rc1` after the release), so this comparator is our own and is pinned by known-answer tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Token kinds, ordered: a pre-release sorts before the end of the version, which sorts before a post-release
# letter (OpenSSL `1.0.2k`, OpenSSH `p1`), which sorts before a further number.
_PRE, _END, _POST, _NUM = 0, 1, 2, 3
_PRE_RANK = {
    "dev": 0,
    "snapshot": 0,
    "alpha": 1,
    "a": 1,
    "beta": 2,
    "b": 2,
    "milestone": 3,
    "pre": 4,
    "preview": 4,
    "rc": 5,
    "cr": 5,
}
_TOKEN = re.compile(r"\d+|[a-z]+")
_SINGLE_LETTER_PRE = frozenset({"a", "b"})

VersionKey = tuple[tuple[int, int, str], ...]


def _token_key(tokens: list[str], i: int) -> tuple[int, int, str]:
    tok = tokens[i]
    if tok.isdigit():
        return (_NUM, int(tok), "")
    followed_by_digit = i + 1 < len(tokens) and tokens[i + 1].isdigit()
    # `1.0a1` is a pre-release but OpenSSL's `1.0.2a` is a post-release: single letters count as
    # pre-release only when a number follows.
    if tok in _PRE_RANK and (tok not in _SINGLE_LETTER_PRE or followed_by_digit):
        return (_PRE, _PRE_RANK[tok], tok)
    return (_POST, 0, tok)


@lru_cache(maxsize=500_000)
def version_key(version: str) -> VersionKey:
    """Return a sortable key for a schemeless version string (`9.2p1 < 9.8`, `2.4.49 > 2.4.5`, `5.10 > 5.10.0-rc1`)."""
    tokens = _TOKEN.findall(version.lower())
    release = 0
    while release < len(tokens) and tokens[release].isdigit():
        release += 1
    # Trailing zeros of the numeric release do not count: 5.10 == 5.10.0, so 5.10.0-rc1 < 5.10.
    end = release
    while end > 1 and int(tokens[end - 1]) == 0:
        end -= 1
    kept = tokens[:end] + tokens[release:]
    return (*(_token_key(kept, i) for i in range(len(kept))), (_END, 0, ""))


def compare_versions(a: str, b: str) -> int:
    """Return -1, 0 or 1 as `a` sorts before, equal to or after `b` under the tolerant ordering."""
    ka, kb = version_key(a), version_key(b)
    return (ka > kb) - (ka < kb)


@dataclass(frozen=True, slots=True)
class BannerVersion:
    """A version read from a banner or an inventory, split the way NVD writes it."""

    version: str
    update: str | None
    distro: str | None
    steps: tuple[str, ...]


# Vendors whose NVD entries put the portable/patch suffix in the CPE `update` field (9.2p1 → 9.2 + p1).
UPDATE_SPLIT = frozenset({("openbsd", "openssh"), ("freebsd", "freebsd")})
_P_SUFFIX = re.compile(r"^(\d+(?:\.\d+)*)(p\d+)$")
_DISTRO = re.compile(
    r"(?P<tag>(?:debian|ubuntu|raspbian)[\s-]*\S*|\S*\+deb\d+u\d+\S*|\S*ubuntu\d\S*|\S*[.-]el\d+(?:_\d+)?\S*"
    r"|\S*\.fc\d+\S*|\S*-r\d+\b)",
    re.IGNORECASE,
)


def split_banner(vendor: str, product: str, raw: str) -> BannerVersion:
    """Split `9.2p1 Debian 2+deb12u10` into version `9.2`, update `p1` and distro build `Debian 2+deb12u10`."""
    steps: list[str] = []
    text = raw.strip()
    head, _, tail = text.partition(" ")
    distro = None
    if tail and _DISTRO.search(tail):
        distro = tail
    elif _DISTRO.search(head):
        distro = head
    if distro:
        steps.append(f"distro build {distro!r}: backported fixes are invisible to NVD ranges")
    version, update = head, None
    split = _P_SUFFIX.match(head)
    if split and (vendor, product) in UPDATE_SPLIT:
        version, update = split.group(1), split.group(2)
        steps.append(f"split {head!r} into version {version!r} + update {update!r} as NVD writes {product}")
    return BannerVersion(version, update, distro, tuple(steps))
