"""Hostile scan files are refused with a location: entities, external references, oversize, malformed."""

from __future__ import annotations

import pytest

from tandem.monitoring.scanners import parse_greenbone, parse_nmap
from tandem.platform.safety.errors import InvalidXML, TooLarge, UnsafeXML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<nmaprun>&b;</nmaprun>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<report><report><results><result><name>&xxe;</name></result></results></report></report>"""
EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun SYSTEM "http://example.invalid/nmap.dtd">\n<nmaprun/>'


@pytest.mark.parametrize("parse", [parse_nmap, parse_greenbone])
@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE, EXTERNAL_DTD])
def test_entities_and_dtds_are_refused(parse, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsafeXML) as info:
        parse(payload, "evil.xml")
    assert info.value.location is not None and info.value.location.startswith("evil.xml:2:")


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(TooLarge):
        parse_nmap(b"<nmaprun>" + b" " * 2048 + b"</nmaprun>", "big.xml", max_bytes=1024)


def test_malformed_xml_is_located() -> None:
    with pytest.raises(InvalidXML) as info:
        parse_nmap(b'<?xml version="1.0"?>\n<nmaprun>\n<host></nmaprun>', "broken.xml")
    assert info.value.location == "broken.xml:3:9"


def test_greenbone_result_without_nvt_is_located() -> None:
    with pytest.raises(InvalidXML, match="nvt@oid"):
        parse_greenbone(b"<report><report><results><result id='r1'/></results></report></report>", "g.xml")
