"""The NVD API sync against a loopback NVD serving recorded real pages: paging, windows, backoff, giving up,
resuming after an interruption, the API key header, pacing, and refusals before any connection."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs.context import JobCancelled
from tandem.platform.jobs.models import Job
from tandem.platform.safety.errors import BlockedURL
from tandem.vulnerabilities import sync
from tandem.vulnerabilities.models import Advisory, FeedImport
from tandem.vulnerabilities.nvd_api import NvdApiError, NvdClient, split_windows
from tandem.vulnerabilities.schemas import SyncRequest
from tandem.vulnerabilities.settings import get_vulnerability_settings
from tandem.vulnerabilities.sync_repository import get_state
from tests.vulnerabilities.nvd_sync_server import FakeNvd, Override, configure, fake_nvd

SINCE = dt.date(2022, 11, 1)
BACKOFF = 0.01


@pytest.fixture
def nvd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNvd]:
    with fake_nvd(monkeypatch) as fake:
        yield fake


def _in(session: Session) -> Any:
    @contextmanager
    def transaction() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    return transaction


def _run(session: Session, waits: list[float] | None = None, **kwargs: Any) -> dict[str, Any]:
    settings = get_vulnerability_settings()
    waits = waits if waits is not None else []

    def client() -> NvdClient:
        return NvdClient(settings, sleep=waits.append, jitter=lambda: 0.5)

    return sync.run_nvd_sync(_in(session), client, "tester", **kwargs)


def _stored(session: Session, fake: FakeNvd) -> int:
    ids = [r["cve"]["id"] for r in fake.records]
    return int(session.scalar(select(func.count()).select_from(Advisory).where(Advisory.id.in_(ids))) or 0)


def _events(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _window(seen: Any) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.fromisoformat(seen.params["lastModStartDate"]), dt.datetime.fromisoformat(
        seen.params["lastModEndDate"]
    )


def test_a_full_load_pages_through_every_record_and_the_next_sync_starts_where_it_ended(
    session: Session, nvd: FakeNvd
) -> None:
    result = _run(session, full=True)
    assert [s.params["startIndex"] for s in nvd.pages()] == ["0", "50", "100", "150", "200"]
    assert all(s.params["resultsPerPage"] == "50" and "lastModStartDate" not in s.params for s in nvd.pages())
    assert (result["records"], result["changed"], result["pages"]) == (238, 238, 5)
    assert _stored(session, nvd) == 238
    state = get_state(session)
    assert state is not None and state.span_end is None and state.synced_to is not None
    assert (state.last_records, state.last_changed, state.last_error) == (238, 238, "")
    imported = session.scalars(select(FeedImport).where(FeedImport.kind == "nvd")).one()
    assert (imported.records, imported.changed, imported.file_name) == (238, 238, "NVD API all CVEs")
    (event,) = _events(session, "vulnerabilities.nvd_synced")
    assert event.changes["records"] == 238 and event.changes["match_job"] == result["match_job"]
    match = session.get(Job, uuid.UUID(result["match_job"]))
    assert match is not None and (match.name, match.args) == ("vulnerabilities.match_inventory", {"mode": "delta"})

    synced_to = state.synced_to
    again = _run(session)
    (window,) = [_window(s) for s in nvd.pages()[5:]]
    # The next window starts at the end of the last completed sync (NVD takes milliseconds).
    assert window[0] == synced_to.replace(microsecond=synced_to.microsecond // 1000 * 1000)
    assert (again["records"], again["changed"], again["match_job"]) == (0, 0, None)


def test_spans_longer_than_120_days_are_split_into_consecutive_windows(session: Session, nvd: FakeNvd) -> None:
    before = dt.datetime.now(dt.UTC)
    result = _run(session, since=SINCE)
    windows = sorted({_window(s) for s in nvd.pages()})
    assert windows[0][0] == dt.datetime(2022, 11, 1, tzinfo=dt.UTC) and windows[-1][1] >= before - dt.timedelta(
        milliseconds=1
    )
    assert all(end - start <= dt.timedelta(days=120) for start, end in windows)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))  # no gap, no overlap
    # 180 records fall in the first window (4 pages of 50), 9 in the second, 49 in the third, none later.
    assert [s.params["startIndex"] for s in nvd.pages()][:6] == ["0", "50", "100", "150", "0", "0"]
    assert result["records"] == 238 and _stored(session, nvd) == 238
    assert len(windows) == len(split_windows(windows[0][0], windows[-1][1]))


def test_split_windows_never_exceeds_120_days() -> None:
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    parts = split_windows(start, start + dt.timedelta(days=365), 500)
    assert [(b - a).days for a, b in parts] == [120, 120, 120, 5]
    assert split_windows(start, start) == []


def test_the_first_sync_looks_back_the_configured_number_of_days(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_nvd_initial_days="3")
    result = _run(session)
    ((start, end),) = [_window(s) for s in nvd.pages()]
    assert end - start == dt.timedelta(days=3)
    assert result["records"] == 0  # the recorded CVEs were all modified in 2022-2023


def test_429_and_503_back_off_honouring_retry_after_then_succeed(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_nvd_backoff_max_s="60")
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    script: dict[int, Override] = {1: (429, {"Retry-After": "7"}), 2: (503, {}), 3: (503, {"Retry-After": later})}
    nvd.fail = lambda n, _params: script.get(n)
    waits: list[float] = []
    result = _run(session, waits, full=True)
    # Retry-After in seconds is honoured; without one the wait doubles per attempt (jitter fixed at x1.0 here);
    # an HTTP-date an hour away is capped at the longest wait setting.
    assert waits == [7.0, BACKOFF * 2, 60.0]
    assert [s.status for s in nvd.seen[:4]] == [429, 503, 503, 200]
    assert result["records"] == 238 and _stored(session, nvd) == 238


def test_it_gives_up_after_the_bounded_attempts_with_a_clear_error(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_nvd_max_attempts="3")
    nvd.fail = lambda _n, _params: (503, {})
    waits: list[float] = []
    with pytest.raises(NvdApiError, match=r"startIndex=0 \(all CVEs\): NVD API still answered HTTP 503 after 3 "):
        _run(session, waits, full=True)
    assert len(nvd.seen) == 3 and waits == [BACKOFF, BACKOFF * 2]
    state = get_state(session)
    assert state is not None and "HTTP 503 after 3 attempts" in state.last_error and state.span_end is not None
    (event,) = _events(session, "vulnerabilities.nvd_sync_failed")
    assert "HTTP 503" in event.changes["error"]
    assert _stored(session, nvd) == 0


def test_a_sync_stopped_mid_way_resumes_at_the_stored_start_index(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_nvd_max_attempts="2")
    broken = {"on": True}

    def third_page_of_the_first_window(_n: int, params: dict[str, str]) -> Override | None:
        first = params.get("lastModStartDate", "").startswith("2022-11-01")
        return (503, {}) if broken["on"] and first and params.get("startIndex") == "100" else None

    nvd.fail = third_page_of_the_first_window
    with pytest.raises(NvdApiError):
        _run(session, since=SINCE)
    state = get_state(session)
    assert state is not None and (state.next_index, state.total_results, state.run_records) == (100, 180, 100)
    assert state.window_start == dt.datetime(2022, 11, 1, tzinfo=dt.UTC)
    assert _stored(session, nvd) == 100
    stopped = _window(nvd.seen[-1])

    broken["on"] = False
    already = len(nvd.seen)
    result = _run(session)  # no arguments: continue the interrupted sync
    first = nvd.seen[already]
    assert (first.params["startIndex"], _window(first)) == ("100", stopped)
    assert result["resumed"] and result["records"] == 238 and result["pages"] == len(nvd.pages())
    served = [(s.params["lastModStartDate"], s.params["startIndex"]) for s in nvd.pages()]
    assert len(served) == len(set(served))  # no page was fetched and stored twice
    assert _stored(session, nvd) == 238
    state = get_state(session)
    assert state is not None and (state.span_end, state.last_records, state.last_error) == (None, 238, "")
    assert len(_events(session, "vulnerabilities.nvd_sync_failed")) == 1
    assert len(_events(session, "vulnerabilities.nvd_synced")) == 1


def test_cancelling_stops_between_pages_and_keeps_the_cursor(session: Session, nvd: FakeNvd) -> None:
    calls = {"n": 0}

    def cancel_on_third() -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise JobCancelled("cancelled on request")

    with pytest.raises(JobCancelled):
        _run(session, full=True, hooks=sync.Hooks(check_cancelled=cancel_on_third))
    state = get_state(session)
    assert state is not None and (state.next_index, state.last_error) == (100, "cancelled on request")
    assert _run(session)["records"] == 238


def test_fetching_off_is_refused_before_any_request(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_fetch_enabled="false")
    with pytest.raises(Conflict, match=r"feed fetching is off \(TANDEM_VULNERABILITIES_FETCH_ENABLED"):
        sync.queue_sync(session, CONSOLE, SyncRequest())
    with pytest.raises(Conflict, match="feed fetching is off"):
        _run(session, full=True)
    assert nvd.seen == []
    state = get_state(session)
    assert state is not None and "feed fetching is off" in state.last_error
    assert state.span_end is None  # a refused sync leaves no cursor to resume


def test_a_host_that_is_not_allowed_is_refused_before_connecting(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, outbound_allow_hosts="")
    with pytest.raises(BlockedURL, match=r"non-public address 127\.0\.0\.1"):
        _run(session, full=True)
    configure(monkeypatch, outbound_allow_hosts=nvd.host, outbound_allowlist="services.nvd.nist.gov")
    with pytest.raises(BlockedURL, match="not on the outbound allowlist"):
        _run(session, full=True)
    assert nvd.seen == []
    state = get_state(session)
    assert state is not None and "not on the outbound allowlist" in state.last_error


def test_the_api_key_is_sent_as_a_header_and_never_shown(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "0f3c9a52-test-key-7d1e"
    configure(monkeypatch, vulnerabilities_nvd_api_key=key, vulnerabilities_nvd_delay_s="30",
              vulnerabilities_nvd_delay_with_key_s="0.01")  # fmt: skip
    nvd.api_key = key
    waits: list[float] = []
    assert _run(session, waits, full=True)["records"] == 238
    assert all(s.headers["apikey"] == key and key not in s.raw_query for s in nvd.seen)
    assert all(w <= 0.01 for w in waits)  # the keyed pace, not the keyless 30 s
    shown = sync.sync_state(session, CONSOLE)
    assert shown.api_key_set and key not in shown.model_dump_json() and key not in repr(get_vulnerability_settings())

    nvd.api_key = "another-key"
    with pytest.raises(
        NvdApiError, match=r"HTTP 404: Invalid apiKey \(check TANDEM_VULNERABILITIES_NVD_API_KEY\)"
    ) as e:
        _run(session, since=SINCE)
    assert key not in str(e.value)
    state = get_state(session)
    assert state is not None and key not in state.last_error


def test_requests_are_paced_by_the_delay_setting(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, vulnerabilities_nvd_delay_s="6")  # the waits are recorded, not slept
    waits: list[float] = []
    _run(session, waits, full=True)
    assert len(waits) == len(nvd.seen) - 1 == 4  # one pause before every request but the first
    assert all(0 < w <= 6 for w in waits)  # the delay less the time the previous request and its storing took


def test_a_page_that_is_not_a_cve_page_stops_the_sync(session: Session, nvd: FakeNvd) -> None:
    def html(n: int, _params: dict[str, str]) -> Override | None:
        return (200, {"Content-Type": "text/html"}) if n == 2 else None

    nvd.fail = html
    with pytest.raises(NvdApiError, match=r"startIndex=50 \(all CVEs\): the NVD API answered 200 with a body that is"):
        _run(session, full=True)
    state = get_state(session)
    assert state is not None and state.next_index == 50 and _stored(session, nvd) == 50


def test_queueing_refuses_a_second_sync_and_bad_options(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = sync.queue_sync(session, CONSOLE, SyncRequest())
    assert [j.name for j in jobs] == ["vulnerabilities.sync_nvd", "vulnerabilities.fetch_feed",
                                      "vulnerabilities.fetch_feed"]  # fmt: skip
    assert [j.args.get("kind") for j in jobs[1:]] == ["kev", "epss"]
    with pytest.raises(Conflict, match="already queued or running"):
        sync.queue_sync(session, CONSOLE, SyncRequest(only=["nvd"]))
    for job in jobs:
        job.status = "cancelled"
    session.flush()
    refusals: list[tuple[Callable[[], Any], str]] = [
        (lambda: sync.queue_sync(session, CONSOLE, SyncRequest(only=["nvd"], full=True, since=SINCE)), "since"),
        (lambda: sync.queue_sync(session, CONSOLE, SyncRequest(only=[])), "only"),
        (lambda: sync.queue_sync(session, CONSOLE, SyncRequest(since=dt.date.today() + dt.timedelta(days=2))), "since"),
    ]
    for refuse, where in refusals:
        with pytest.raises(InvalidInput) as caught:
            refuse()
        assert caught.value.errors[0].location == where


def test_the_hourly_check_queues_a_sync_when_due_and_not_otherwise(
    session: Session, nvd: FakeNvd, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    assert sync.queue_due(session, now)["queued"]  # never synced: due at once
    assert sync.queue_due(session, now) == {"queued": [], "why": "a sync is already queued or running"}
    session.query(Job).filter(Job.name.in_((sync.SYNC_JOB, sync.FETCH_JOB))).delete()
    _run(session, since=SINCE)
    assert sync.queue_due(session, now + dt.timedelta(hours=1))["queued"] == []  # finished an hour ago: not due
    assert len(sync.queue_due(session, now + dt.timedelta(hours=25))["queued"]) == 3  # NVD, KEV, EPSS
    session.query(Job).filter(Job.name.in_((sync.SYNC_JOB, sync.FETCH_JOB))).delete()
    configure(monkeypatch, vulnerabilities_sync_every_hours="0")
    assert sync.queue_due(session, now + dt.timedelta(days=9)) == {"queued": [], "why": "scheduled sync is off"}
    configure(monkeypatch, vulnerabilities_fetch_enabled="false", vulnerabilities_sync_every_hours="24")
    assert sync.queue_due(session, now + dt.timedelta(days=9)) == {"queued": [], "why": "fetching is off"}
