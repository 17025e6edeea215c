"""Hostile archives: zip bombs, 42.zip nesting, traversal names, links, devices and lying headers."""

from __future__ import annotations

import gzip
import io
import stat
import struct
import tarfile
import time
import tracemalloc
import zipfile

import pytest

from tandem.platform.safety import (
    TooLarge,
    UnsafeArchive,
    extract_members,
    gunzip_limited,
    inspect_tar,
    inspect_zip,
)

MIB = 1024 * 1024
BOMB_SIZE = 200 * MIB


def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def make_tar(members: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tf.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                tf.addfile(info, io.BytesIO(member[1]))
    return buf.getvalue()


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """One member of 200 MB of zeros, deflated to about 200 KB, written in chunks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.bin", "w") as member:
        block = bytes(MIB)
        for _ in range(BOMB_SIZE // MIB):
            member.write(block)
    return buf.getvalue()


def test_inspect_zip_lists_honest_members() -> None:
    data = make_zip([("assets/hosts.csv", b"name\nweb01\n"), ("./readme.txt", b"hi")])
    members = inspect_zip(data, "bundle.zip")
    assert [(m.name, m.size) for m in members] == [("assets/hosts.csv", 11), ("readme.txt", 2)]


@pytest.mark.asvs("V5.3.2")
@pytest.mark.parametrize(
    "member", ["../../etc/x", "/abs", "C:\\x", "c:/windows/x", "a/../../b", "..\\..\\x", "\\\\server\\share"]
)
def test_zip_traversal_names_are_rejected(member: str) -> None:
    with pytest.raises(UnsafeArchive) as err:
        inspect_zip(make_zip([("ok.txt", b"1"), (member, b"pwned")]), "evil.zip")
    assert err.value.location is not None
    assert err.value.location.startswith("evil.zip:")


@pytest.mark.asvs("V5.3.2")
@pytest.mark.parametrize("member", ["../../etc/cron.d/x", "/etc/passwd", "a/../../b"])
def test_tar_traversal_names_are_rejected(member: str) -> None:
    with pytest.raises(UnsafeArchive):
        inspect_tar(make_tar([(member, b"pwned")]), "evil.tar")


@pytest.mark.asvs("V5.3.2")
@pytest.mark.parametrize(
    "member",
    [
        special("link", tarfile.SYMTYPE, "/etc/passwd"),
        special("dir/up", tarfile.SYMTYPE, "../../.."),
        special("hard", tarfile.LNKTYPE, "/etc/shadow"),
        special("tty", tarfile.CHRTYPE),
        special("disk", tarfile.BLKTYPE),
        special("pipe", tarfile.FIFOTYPE),
    ],
    ids=["symlink-abs", "symlink-up", "hardlink", "chardev", "blockdev", "fifo"],
)
@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_tar_links_and_devices_are_rejected(member: tarfile.TarInfo, mode: str) -> None:
    with pytest.raises(UnsafeArchive):
        inspect_tar(make_tar([("ok.txt", b"1"), member], mode), "evil.tgz")


@pytest.mark.asvs("V5.3.2")
def test_zip_symlink_members_are_rejected() -> None:
    info = zipfile.ZipInfo("innocent.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        inspect_zip(make_zip([(info, b"/etc/passwd")]), "evil.zip")


def test_duplicate_member_names_are_rejected() -> None:
    with pytest.raises(UnsafeArchive, match="duplicate"):
        inspect_zip(make_zip([("a.txt", b"1"), ("./a.txt", b"2")]), "dup.zip")


@pytest.mark.asvs("V5.2.3")
def test_zip_bomb_is_rejected(zip_bomb: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeArchive, match="ratio") as err:
        inspect_zip(zip_bomb, "bomb.zip")
    assert err.value.location == "bomb.zip:zeros.bin"
    assert time.monotonic() - started < 1


@pytest.mark.asvs("V5.2.3")
def test_zip_inspection_streams_in_bounded_memory(zip_bomb: bytes) -> None:
    tracemalloc.start()
    try:
        members = inspect_zip(zip_bomb, "bomb.zip", max_ratio=10_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert members[0].size == BOMB_SIZE
    assert peak < 8 * MIB


@pytest.mark.asvs("V5.2.3")
def test_zip_total_size_limit_counts_real_bytes(zip_bomb: bytes) -> None:
    with pytest.raises(UnsafeArchive, match="uncompressed size"):
        inspect_zip(zip_bomb, "bomb.zip", max_ratio=10_000, max_total=50 * MIB)


@pytest.mark.asvs("V5.2.3")
def test_42_zip_style_nested_bomb_is_rejected(zip_bomb: bytes) -> None:
    layer = make_zip([(f"lib{i}.zip", zip_bomb) for i in range(16)])
    outer = make_zip([(f"{c}.zip", layer) for c in "ab"])
    with pytest.raises(UnsafeArchive) as err:
        inspect_zip(outer, "42.zip", max_depth=5)
    assert err.value.location == "42.zip:a.zip:lib0.zip:zeros.bin"


@pytest.mark.asvs("V5.2.3")
def test_nesting_deeper_than_max_depth_is_rejected() -> None:
    inner = make_zip([("deep.txt", b"x")])
    middle = make_zip([("inner.zip", inner)])
    outer = make_zip([("middle.zip", middle)])
    with pytest.raises(UnsafeArchive, match="nested deeper than 2") as err:
        inspect_zip(outer, "o.zip", max_depth=2)
    assert err.value.location == "o.zip:middle.zip:inner.zip"
    assert [m.is_archive for m in inspect_zip(outer, "o.zip", max_depth=3)] == [True]


@pytest.mark.asvs("V5.2.3")
def test_nested_archive_under_a_misleading_name_is_still_detected() -> None:
    inner = make_zip([("x.txt", b"x")])
    outer = make_zip([("invoice.pdf", make_zip([("report.txt", inner)]))])
    with pytest.raises(UnsafeArchive, match="nested deeper"):
        inspect_zip(outer, "o.zip", max_depth=2)


def _patch_sizes(data: bytes, real: int, fake: int) -> bytes:
    """Rewrite the uncompressed size in the local and central headers so the header lies."""
    return data.replace(struct.pack("<I", real), struct.pack("<I", fake))


@pytest.mark.asvs("V5.2.3")
def test_zip_header_claiming_a_small_size_is_not_trusted() -> None:
    real = 5 * MIB + 3
    lying = _patch_sizes(make_zip([("tiny.txt", bytes(real))]), real, 1000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("tiny.txt").file_size == 1000
    with pytest.raises(UnsafeArchive, match="CRC") as err:
        inspect_zip(lying, "liar.zip", max_ratio=10_000)
    assert err.value.location == "liar.zip:tiny.txt"


@pytest.mark.asvs("V5.2.3")
def test_too_many_members_are_rejected() -> None:
    data = make_zip([(f"f{i}.txt", b"") for i in range(50)])
    with pytest.raises(UnsafeArchive, match="more than 10 members"):
        inspect_zip(data, "many.zip", max_members=10)


@pytest.mark.asvs("V5.2.3")
def test_tar_gz_bomb_is_rejected_while_streaming() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 64 * MIB
        tf.addfile(info, io.BytesIO(bytes(info.size)))
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeArchive, match="ratio"):
            inspect_tar(buf.getvalue(), "bomb.tgz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB


def test_encrypted_zip_members_are_rejected() -> None:
    data = bytearray(make_zip([("secret.txt", b"x")]))
    data[6] |= 0x01  # local header general-purpose flag
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01
    with pytest.raises(UnsafeArchive, match="encrypted"):
        inspect_zip(bytes(data), "enc.zip")


@pytest.mark.parametrize(
    "data",
    [b"", b"not an archive", b"PK\x03\x04garbage", make_zip([("a.txt", b"abc")])[:40]],
    ids=["empty", "text", "zip-magic-only", "truncated-zip"],
)
def test_garbage_and_truncated_archives_are_rejected(data: bytes) -> None:
    with pytest.raises(UnsafeArchive):
        inspect_zip(data, "junk.zip")


def test_inspect_zip_refuses_a_tar_and_inspect_tar_refuses_a_zip() -> None:
    with pytest.raises(UnsafeArchive, match="not a ZIP"):
        inspect_zip(make_tar([("a", b"1")]), "a.zip")
    with pytest.raises(UnsafeArchive, match="not a TAR"):
        inspect_tar(make_zip([("a", b"1")]), "a.tar")


def test_extract_members_yields_regular_files() -> None:
    data = make_tar([("dir/a.txt", b"alpha"), ("b.csv", b"name\n")], "w:gz")
    assert [(m.name, m.data) for m in extract_members(data, "ok.tgz")] == [
        ("dir/a.txt", b"alpha"),
        ("b.csv", b"name\n"),
    ]


@pytest.mark.asvs("V5.3.2")
def test_extract_members_yields_nothing_from_an_archive_with_a_bad_tail() -> None:
    data = make_zip([("good1.txt", b"1"), ("good2.txt", b"2"), ("../../etc/cron.d/evil", b"x")])
    extracted = []
    with pytest.raises(UnsafeArchive):
        for member in extract_members(data, "evil.zip"):
            extracted.append(member)
    assert extracted == []


@pytest.mark.asvs("V5.2.1")
def test_extract_members_caps_each_member() -> None:
    data = make_zip([("big.bin", b"\x01" * (2 * MIB))])
    with pytest.raises(TooLarge):
        list(extract_members(data, "a.zip", max_member=MIB, max_ratio=10_000))


@pytest.mark.asvs("V5.2.3")
def test_gunzip_limited_stops_a_gzip_bomb() -> None:
    bomb = gzip.compress(bytes(100 * MIB))
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            gunzip_limited(bomb, "feed.xml.gz", 10 * MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * MIB


def test_gunzip_limited_handles_multi_member_streams_and_garbage() -> None:
    assert gunzip_limited(gzip.compress(b"ab") + gzip.compress(b"cd"), "x.gz", 4) == b"abcd"
    with pytest.raises(UnsafeArchive):
        gunzip_limited(b"\x1f\x8bnot really gzip", "x.gz", 100)
    with pytest.raises(UnsafeArchive):
        gunzip_limited(gzip.compress(b"hello world")[:-6], "x.gz", 100)
