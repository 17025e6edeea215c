"""NVD CVE API 2.0 client: lastModified windows paged by startIndex, paced between requests, backing off on 429/503.

Every request goes through the outbound URL guard. The API key travels in the `apiKey` header only, so it never
appears in a URL, a log line, an error or the job record.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from secrets import SystemRandom
from urllib.parse import urlencode

import httpx

from tandem.platform.config import get_settings
from tandem.platform.errors import Conflict
from tandem.platform.safety.urls import FetchedResponse, get
from tandem.vulnerabilities.settings import VulnerabilitySettings

MAX_PAGE = 2000
MAX_WINDOW_DAYS = 120
# Transient answers NVD gives under load; anything else is a definite answer and stops the sync at once.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
Window = tuple[dt.datetime, dt.datetime] | None  # None: no date filter (the full initial load)


class NvdApiError(Conflict):
    """The NVD API refused, kept failing, or sent something that is not a CVE page."""


@dataclass(frozen=True)
class NvdPage:
    """One page of the CVE API: where it starts, how many the query matches, and the raw body to parse."""

    start_index: int
    total_results: int
    count: int
    timestamp: str
    body: bytes


def nvd_time(moment: dt.datetime) -> str:
    """Format a moment as NVD's extended ISO-8601 with an explicit UTC offset."""
    utc = moment.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+00:00"


def split_windows(
    start: dt.datetime, end: dt.datetime, days: int = MAX_WINDOW_DAYS
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Split [start, end] into consecutive windows of at most `days` days (NVD refuses longer ranges)."""
    step = dt.timedelta(days=min(days, MAX_WINDOW_DAYS))
    out, cursor = [], start
    while cursor < end:
        out.append((cursor, min(cursor + step, end)))
        cursor = out[-1][1]
    return out


def page_url(base: str, window: Window, start_index: int, page_size: int) -> str:
    """Return the request URL of one page (the API key is a header, never part of it)."""
    params: dict[str, str | int] = {"startIndex": start_index, "resultsPerPage": min(page_size, MAX_PAGE)}
    if window is not None:
        params |= {"lastModStartDate": nvd_time(window[0]), "lastModEndDate": nvd_time(window[1])}
    return f"{base}?{urlencode(params, safe=':')}"


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Return the wait a Retry-After header asks for (seconds or an HTTP date), or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _parse_page(resp: FetchedResponse, where: str) -> NvdPage:
    try:
        doc = json.loads(resp.body)
    except ValueError:
        raise NvdApiError(f"{where}: the NVD API answered 200 with a body that is not JSON") from None
    fields = ("startIndex", "totalResults")
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("vulnerabilities"), list)
        or not all(isinstance(doc.get(f), int) for f in fields)
    ):
        raise NvdApiError(f"{where}: not a CVE API 2.0 page (needs startIndex, totalResults and vulnerabilities)")
    return NvdPage(doc["startIndex"], doc["totalResults"], len(doc["vulnerabilities"]), str(doc.get("timestamp", "")),
                   resp.body)  # fmt: skip


class NvdClient:
    """Fetch CVE API pages politely: one request at a time, spaced by the configured delay, retried with backoff."""

    def __init__(
        self,
        settings: VulnerabilitySettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] = lambda _line: None,
        jitter: Callable[[], float] = SystemRandom().random,
    ) -> None:
        if not settings.fetch_enabled:
            raise Conflict("feed fetching is off (TANDEM_VULNERABILITIES_FETCH_ENABLED); side-load NVD files instead")
        self.settings, self._sleep, self._log, self._jitter = settings, sleep, log, jitter
        key = settings.nvd_api_key.get_secret_value().strip()
        self._headers = {"Accept": "application/json", **({"apiKey": key} if key else {})}
        self.delay = settings.nvd_delay_with_key_s if key else settings.nvd_delay_s
        self._last_request: float | None = None
        self.requests = 0

    def page(self, window: Window, start_index: int) -> NvdPage:
        """Fetch the page of `window` (None: every CVE) starting at start_index."""
        url = page_url(self.settings.nvd_api_url, window, start_index, self.settings.nvd_page_size)
        span = f"{nvd_time(window[0])[:10]}..{nvd_time(window[1])[:10]}" if window else "all CVEs"
        where = f"NVD API page startIndex={start_index} ({span})"
        return _parse_page(self._get(url, where), where)

    def _pace(self) -> None:
        if self._last_request is not None:
            wait = self.delay - (time.monotonic() - self._last_request)
            if wait > 0:
                self._sleep(wait)
        self._last_request = time.monotonic()

    def _backoff(self, attempt: int, header: str | None) -> float:
        cap = self.settings.nvd_backoff_max_s
        asked = retry_after(header, dt.datetime.now(dt.UTC))
        if asked is not None:
            return min(asked, cap)
        base = self.settings.nvd_backoff_s * 2 ** (attempt - 1)
        return min(cap, base * (0.5 + self._jitter()))

    def _get(self, url: str, where: str) -> FetchedResponse:
        attempts, problem = self.settings.nvd_max_attempts, ""
        for attempt in range(1, attempts + 1):
            self._pace()
            self.requests += 1
            try:
                resp = get(url, headers=self._headers, allow_hosts=get_settings().allow_hosts(),
                           max_bytes=self.settings.max_feed_bytes, timeout=self.settings.fetch_timeout_s)  # fmt: skip
            except httpx.TransportError as exc:
                problem, wait = f"a network error ({type(exc).__name__})", self._backoff(attempt, None)
            else:
                if resp.status == 200:
                    return resp
                if resp.status not in RETRY_STATUSES:
                    raise NvdApiError(_refusal(resp, where))
                problem, wait = f"HTTP {resp.status}", self._backoff(attempt, resp.headers.get("retry-after"))
            if attempt < attempts:
                self._log(f"{where}: {problem}; retry {attempt + 1}/{attempts} in {wait:.1f} s")
                self._sleep(wait)
        raise NvdApiError(
            f"{where}: NVD API still answered {problem} after {attempts} attempts; stopped here, the next sync "
            "resumes from this page"
        )


def _refusal(resp: FetchedResponse, where: str) -> str:
    # NVD explains refusals in a `message` header (e.g. an invalid apiKey); it never echoes the key itself.
    message = resp.headers.get("message", "")[:200].strip()
    about_key = resp.status in (401, 403) or "apikey" in message.lower()
    hint = " (check TANDEM_VULNERABILITIES_NVD_API_KEY)" if about_key else ""
    return f"{where}: NVD API refused the request with HTTP {resp.status}{': ' + message if message else ''}{hint}"
