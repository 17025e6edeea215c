"""Hostile XML: XXE, entity expansion bombs, XInclude, malformed and oversized documents."""

from __future__ import annotations

import io
import time

import pytest

from tandem.platform.safety import InvalidXML, TooLarge, UnsafeInput, UnsafeXML, iterparse_xml, parse_xml

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE scan [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<scan><host>&xxe;</host></scan>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE scan [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<scan/>"""

XXE_EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE scan SYSTEM "http://127.0.0.1:9/scan.dtd">
<scan/>"""

XXE_PUBLIC_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE scan PUBLIC "-//EVIL//DTD" "file:///etc/passwd">
<scan/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?>\n<!DOCTYPE kaboom [<!ENTITY a "'
    + b"a" * 100_000
    + b'">]>\n<kaboom>'
    + b"&a;" * 20_000
    + b"</kaboom>"
)

XINCLUDE = b"""<?xml version="1.0"?>
<scan xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="file:///etc/passwd" parse="text"/>
  <xi:include href="http://127.0.0.1:9/x.xml"/>
</scan>"""

HOSTILE = {
    "xxe-file": XXE_FILE,
    "xxe-parameter-entity": XXE_PARAMETER,
    "xxe-external-dtd": XXE_EXTERNAL_DTD,
    "xxe-public-dtd": XXE_PUBLIC_DTD,
    "billion-laughs": BILLION_LAUGHS,
    "quadratic-blowup": QUADRATIC_BLOWUP,
    "xxe-utf16": XXE_FILE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"),
}


@pytest.mark.asvs("V1.5.1")
@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_parse_xml_refuses_dtds_and_entities(payload: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeXML) as err:
        parse_xml(payload, "scan.xml")
    assert time.monotonic() - started < 2
    assert err.value.location is not None
    assert err.value.location.startswith("scan.xml:2:")
    assert "root:" not in str(err.value)


@pytest.mark.asvs("V1.5.1")
@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_iterparse_xml_refuses_dtds_and_entities(payload: bytes) -> None:
    with pytest.raises(UnsafeXML) as err:
        list(iterparse_xml(io.BytesIO(payload), "scan.xml"))
    assert err.value.location is not None
    assert err.value.location.startswith("scan.xml:")


@pytest.mark.asvs("V1.5.1")
def test_xinclude_is_left_inert() -> None:
    root = parse_xml(XINCLUDE, "scan.xml")
    includes = root.findall("{http://www.w3.org/2001/XInclude}include")
    assert len(includes) == 2
    text = "".join(root.itertext())
    assert "root:" not in text
    assert text.strip() == ""


@pytest.mark.asvs("V1.5.1")
def test_undeclared_entity_is_an_error_not_a_lookup() -> None:
    with pytest.raises(InvalidXML) as err:
        parse_xml(b"<scan>\n<host>&xxe;</host></scan>", "scan.xml")
    assert err.value.location == "scan.xml:2:7"


def test_malformed_xml_reports_file_line_and_column() -> None:
    with pytest.raises(InvalidXML) as err:
        parse_xml(b"<scan>\n  <host></hots>\n</scan>", "feed.xml")
    assert err.value.location == "feed.xml:2:11"
    assert err.value.reason == "mismatched tag"
    assert isinstance(err.value, UnsafeInput)


@pytest.mark.parametrize("payload", [b"", b"not xml at all", b"<a><b></a>", b"<a>\xff\xfe</a>"])
def test_garbage_is_invalid_xml(payload: bytes) -> None:
    with pytest.raises(InvalidXML):
        parse_xml(payload, "junk.xml")


def test_parse_xml_returns_an_element() -> None:
    root = parse_xml(b'<scan><host ip="10.0.0.1">web01</host></scan>', "scan.xml")
    host = root.find("host")
    assert host is not None
    assert (host.get("ip"), host.text) == ("10.0.0.1", "web01")


@pytest.mark.asvs("V5.2.1")
def test_parse_xml_rejects_oversized_documents() -> None:
    with pytest.raises(TooLarge):
        parse_xml(b"<a>" + b"x" * 2000 + b"</a>", "big.xml", max_bytes=1000)


class EndlessXML:
    """A stream that opens a root element and then sends child elements forever."""

    ITEM = b"<item>x</item>"

    def __init__(self) -> None:
        self.pulled = 0
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size < 0 else size
        if self.pulled == 0:
            self.pulled = 6
            return b"<root>"
        start = self._offset % len(self.ITEM)
        chunk = (self.ITEM * (size // len(self.ITEM) + 2))[start : start + size]
        self._offset += size
        self.pulled += size
        return chunk


@pytest.mark.asvs("V5.2.1")
def test_iterparse_xml_stops_reading_an_endless_stream() -> None:
    stream = EndlessXML()
    seen = 0
    with pytest.raises(TooLarge):
        for _, elem in iterparse_xml(stream, "feed.xml", max_bytes=1_000_000):  # type: ignore[arg-type]
            seen += 1
            elem.clear()
    assert seen > 0
    assert stream.pulled <= 1_000_000 + 65536


def test_iterparse_xml_yields_events_in_order() -> None:
    data = b"<scan><host>a</host><host>b</host></scan>"
    events = [(event, elem.tag) for event, elem in iterparse_xml(io.BytesIO(data), "s.xml", events=("start", "end"))]
    assert events[0] == ("start", "scan")
    assert events[-1] == ("end", "scan")
    assert [tag for event, tag in events if event == "end"] == ["host", "host", "scan"]
