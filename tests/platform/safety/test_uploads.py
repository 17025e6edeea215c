"""Hostile uploads: oversize streams, polyglots, lying extensions and nasty file names."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.platform.safety import TooLarge, TypeMismatch, read_limited, safe_filename, sniff_type
from tandem.platform.safety.uploads import CHUNK_SIZE

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
ALL = {"png", "pdf", "jpg", "gif", "zip", "xlsx", "csv", "json", "xml", "txt"}


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payload.txt", "hello")
    return buf.getvalue()


HONEST: list[tuple[bytes, str, str]] = [
    (PNG, "pixel.png", "png"),
    (PDF, "Report.PDF", "pdf"),
    (GIF, "anim.gif", "gif"),
    (b"name,owner\r\nweb01,ops\r\n", "assets.csv", "csv"),
    (b"\xef\xbb\xbfname,owner\r\n", "excel.csv", "csv"),
    (b'  {"assets": []}', "assets.json", "json"),
    (b'<?xml version="1.0"?><scan/>', "scan.xml", "xml"),
    (b"<Envelope><Header/><Body><head>x</head></Body></Envelope>", "soap.xml", "xml"),
    (b"<134>Oct 11 22:14:15 host sshd: ok\n", "syslog.txt", "txt"),
    ("héllo wörld\n".encode(), "notes.txt", "txt"),
    (_zip_bytes(), "bundle.zip", "zip"),
]


class EndlessStream:
    """A client that never stops sending; records how much we pulled from it."""

    def __init__(self) -> None:
        self.pulled = 0

    def read(self, size: int = -1) -> bytes:
        size = CHUNK_SIZE * 4 if size < 0 else size
        self.pulled += size
        return b"A" * size


@pytest.mark.asvs("V5.2.1")
def test_read_limited_accepts_exact_limit() -> None:
    assert read_limited(io.BytesIO(b"x" * 1000), 1000, "a.bin") == b"x" * 1000


@pytest.mark.asvs("V5.2.1")
def test_read_limited_rejects_one_byte_over() -> None:
    with pytest.raises(TooLarge) as err:
        read_limited(io.BytesIO(b"x" * 1001), 1000, "a.bin")
    assert err.value.location == "a.bin"
    assert str(err.value).startswith("a.bin: ")


@pytest.mark.asvs("V5.2.1")
def test_read_limited_stops_pulling_from_an_endless_stream() -> None:
    stream = EndlessStream()
    with pytest.raises(TooLarge):
        read_limited(stream, 5 * CHUNK_SIZE + 17, "upload")
    assert stream.pulled <= 5 * CHUNK_SIZE + 17 + CHUNK_SIZE


@pytest.mark.asvs("V5.2.2")
@pytest.mark.parametrize(("data", "filename", "expected"), [pytest.param(*case, id=case[1]) for case in HONEST])
def test_sniff_type_accepts_honest_files(data: bytes, filename: str, expected: str) -> None:
    assert sniff_type(data, filename, ALL) == expected


@pytest.mark.asvs("V5.2.2")
@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script>", "report.pdf", id="html-as-pdf"),
        pytest.param(PDF + b"<html><script>alert(document.domain)</script></html>", "x.pdf", id="pdf-html"),
        pytest.param(PNG + b"<svg onload=alert(1)>", "x.png", id="png-svg-polyglot"),
        pytest.param(_zip_bytes(), "x.png", id="png-that-is-zip"),
        pytest.param(PDF, "a.pdf.exe", id="double-extension"),
        pytest.param(GIF, "photo.jpg", id="gif-as-jpg"),
        pytest.param(PDF, "data.csv", id="pdf-as-csv"),
        pytest.param(b"<html><body>hi</body></html>", "assets.csv", id="html-as-csv"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "a.xml", id="svg-as-xml"),
        pytest.param(b"name\x00,owner\n", "nul.csv", id="nul-in-text"),
        pytest.param("name,ownér\n".encode("latin-1"), "latin1.csv", id="not-utf8"),
        pytest.param("a,b\n".encode("utf-16"), "utf16.csv", id="utf16"),
        pytest.param(b"<a/>", "x.json", id="xml-as-json"),
        pytest.param(b"plain text", "script.sh", id="unknown-text-extension"),
        pytest.param(PDF, "README", id="no-extension"),
        pytest.param(PDF, ".pdf", id="dotfile-only"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "invoice.pdf", id="exe-as-pdf"),
    ],
)
def test_sniff_type_rejects_lying_or_polyglot_files(data: bytes, filename: str) -> None:
    with pytest.raises(TypeMismatch) as err:
        sniff_type(data, filename, ALL | {"exe", "sh"})
    assert err.value.location == filename


@pytest.mark.asvs("V5.2.2")
def test_sniff_type_rejects_types_not_allowed_here() -> None:
    with pytest.raises(TypeMismatch, match="not allowed"):
        sniff_type(PDF, "report.pdf", {"csv"})


@pytest.mark.asvs("V5.2.2")
def test_sniff_type_canonicalises_aliases() -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    assert sniff_type(jpeg, "photo.JPEG", {"jpeg"}) == "jpg"


@pytest.mark.asvs("V5.3.2")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
        ("/etc/shadow", "shadow"),
        ("\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc\uff0fpasswd", "passwd"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("evil\x00.php.txt", "evil.php.txt"),
        ("line\r\nbreak\tme.csv", "linebreakme.csv"),
        ("wide\u00a0\u2003  gap.csv", "wide gap.csv"),
        (".htaccess", "htaccess"),
        ("...", "file"),
        ("", "file"),
        ("../", "file"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ('what?<>|"*.txt', "what______.txt"),
        ("report.PDF", "report.pdf"),
        ("trailing.dot.", "trailing.dot"),
        ("file.p h p", "file_p h p"),
        ("data.txt:hidden", "data_txt_hidden"),
    ],
)
def test_safe_filename_neutralises_hostile_names(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.asvs("V5.3.2")
def test_safe_filename_caps_length_and_keeps_extension() -> None:
    result = safe_filename("a" * 5000 + ".pdf")
    assert len(result) <= 200
    assert result.endswith(".pdf")
    wide = safe_filename("\U0001f600" * 300 + ".csv")
    assert len(wide.encode("utf-8")) <= 255
    assert wide.endswith(".csv")


@pytest.mark.asvs("V5.3.2")
@given(st.text(max_size=400))
def test_safe_filename_is_always_a_single_harmless_component(name: str) -> None:
    result = safe_filename(name)
    assert result
    assert len(result) <= 200
    assert "/" not in result
    assert "\\" not in result
    assert not result.startswith((".", " "))
    assert result not in {".", ".."}
    assert all(unicodedata.category(ch) not in {"Cc", "Cf"} for ch in result)
