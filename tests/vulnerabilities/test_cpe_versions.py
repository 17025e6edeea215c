"""CPE binding parsing, Table 6-2 attribute relations, and the tolerant version ordering's known answers."""

from __future__ import annotations

import pytest

from tandem.vulnerabilities.feeds import (
    Cpe,
    CpeError,
    Relation,
    compare_values,
    compare_versions,
    name_matches,
    parse_cpe,
    parse_fs,
    parse_uri,
    split_banner,
)


def test_fs_splits_on_unescaped_colons_only() -> None:
    cpe = parse_fs(r"cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*")
    assert cpe.vendor == r"foo\:bar" and cpe.product == "baz" and cpe.version == "1.0"
    assert parse_fs(cpe.to_fs()) == cpe


def test_uri_binding_matches_fs_and_unpacks_editions() -> None:
    assert parse_uri("cpe:/a:openbsd:openssh:9.2p1") == parse_fs("cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*")
    packed = parse_uri("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~")
    assert (packed.sw_edition, packed.target_sw, packed.target_hw) == ("online", "win2003", "x64")
    assert parse_uri("cpe:/o:linux:linux_kernel").version == "*"
    assert parse_uri("cpe:/a:gnu:g%2b%2b:1.0").product == r"g\+\+"


@pytest.mark.parametrize(
    "bad", ["cpe:2.3:a:x", "cpe:2.3:z:v:p:1:*:*:*:*:*:*:*", "cpe:/", "nope", "cpe:/a:v:p:1:2:3:4:5"]
)
def test_invalid_names_are_rejected(bad: str) -> None:
    with pytest.raises(CpeError):
        parse_cpe(bad)


@pytest.mark.parametrize(
    ("source", "target", "relation"),
    [
        ("*", "*", Relation.EQUAL),
        ("*", "1.0", Relation.SUPERSET),
        ("*", "-", Relation.SUPERSET),
        ("-", "-", Relation.EQUAL),
        ("-", "1.0", Relation.DISJOINT),  # NA is not a wildcard (Dependency-Track #3268)
        ("1.0", "-", Relation.DISJOINT),
        ("1.0", "*", Relation.SUBSET),
        ("1.0", "1.0", Relation.EQUAL),
        ("1.0", "1.1", Relation.DISJOINT),
        ("1.*", "1.5", Relation.SUPERSET),
        ("1.?", "1.55", Relation.DISJOINT),
        (r"1\.0", "1.0", Relation.EQUAL),
        ("1.0", "1.*", Relation.UNDEFINED),
    ],
)
def test_table_6_2(source: str, target: str, relation: Relation) -> None:
    assert compare_values(source, target) is relation


def _oracle(source: str, target: str) -> bool:
    """Ask the `cpe` package (NISTIR 7696 reference behaviour; WFN objects on both sides, per the notes)."""
    cpe_lib = pytest.importorskip("cpe")
    from cpe.cpe2_3_wfn import CPE2_3_WFN
    from cpe.cpeset2_3 import CPESet2_3

    def wfn(fs: str) -> CPE2_3_WFN:
        return CPE2_3_WFN(cpe_lib.CPE(fs).as_wfn())

    return bool(CPESet2_3.cpe_superset(wfn(source), wfn(target)))


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", "cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*"),
        ("cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*", "cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*"),
        ("cpe:2.3:a:openbsd:openssh:9.8:-:*:*:*:*:*:*", "cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*"),
        ("cpe:2.3:a:netapp:ontap:-:*:*:*:*:*:*:*", "cpe:2.3:a:netapp:ontap:9.1:*:*:*:*:*:*:*"),
        ("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", "cpe:2.3:a:linux:linux_kernel:5.0:*:*:*:*:*:*:*"),
        ("cpe:2.3:a:vendor:prod:1.*:*:*:*:*:*:*:*", "cpe:2.3:a:vendor:prod:1.5:*:*:*:*:*:*:*"),
    ],
)
def test_name_match_agrees_with_the_cpe_oracle(source: str, target: str) -> None:
    assert name_matches(parse_fs(source), parse_fs(target)) is _oracle(source, target)


KNOWN_ORDER = [
    ("9.2p1", "9.8"),
    ("1.0.2k", "1.0.2m"),
    ("2.4.5", "2.4.49"),
    ("1.20.0-rc1", "1.20.0"),
    ("5.10.0-rc1", "5.10"),
    ("7.0.0", "7.0.0.1"),
    ("1.20.1", "1.22.1"),
    ("1.0a1", "1.0"),
    ("1.0.2", "1.0.2a"),
    ("9.2", "9.2p1"),
    ("2.8.123", "2.8.123e"),
]


@pytest.mark.parametrize(("low", "high"), KNOWN_ORDER)
def test_tolerant_ordering_known_answers(low: str, high: str) -> None:
    assert compare_versions(low, high) == -1
    assert compare_versions(high, low) == 1


def test_trailing_zeros_are_equal() -> None:
    assert compare_versions("5.10", "5.10.0") == 0


def test_banner_split_and_distro_detection() -> None:
    banner = split_banner("openbsd", "openssh", "9.2p1 Debian 2+deb12u10")
    assert (banner.version, banner.update, banner.distro) == ("9.2", "p1", "Debian 2+deb12u10")
    # Only vendors that write pN in the update field are split.
    assert split_banner("f5", "nginx", "1.22.1").update is None
    assert split_banner("x", "y", "2.4.37-el8_10").distro is not None
    assert Cpe("a", "v", "p").to_fs() == "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*"
