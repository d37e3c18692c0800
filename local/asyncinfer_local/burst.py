"""Submit a burst of requests at once and measure how fast they reach `succeeded`.

Latency is taken from the stack's own timestamps (created_at when the enqueue function accepted
the request, completed_at when the worker stored the result), so polling delays do not count;
throughput is succeeded requests per second from the first acceptance to the last completion.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from asyncinfer_shared.contract import TERMINAL_STATUSES, Status, parse_iso

from .client import ApiClient, ApiError

# Short texts of both polarities, so the model sees a realistic mix.
TEXTS = (
    "a warm, funny and beautifully acted film",
    "a dull, lifeless and predictable mess",
    "the best thing I have seen all year",
    "two hours I will never get back",
)
# Status polls load the same stack; latency comes from its timestamps, so poll sparingly.
POLL_ROUND_SECONDS = 1.0


@dataclass(frozen=True)
class BurstReport:
    requests: int
    accepted: int
    succeeded: int
    failed: int
    unfinished: int
    throughput_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    accept_span_seconds: float  # first to last acceptance: how fast the API took the burst in
    wall_seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def run_burst(
    client: ApiClient, count: int = 200, concurrency: int = 50, timeout: float = 300.0
) -> BurstReport:
    started = time.monotonic()
    texts = [f"{TEXTS[index % len(TEXTS)]} (#{index})" for index in range(count)]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        submitted = list(pool.map(_quietly(client.submit), texts))
        ids = [answer["request_id"] for answer in submitted if answer]
        final = poll_until_terminal(client, pool, ids, started + timeout)
    wall = time.monotonic() - started
    done = [status for status in final.values() if status.get("status") == Status.SUCCEEDED]
    latencies = sorted(
        (parse_iso(status["completed_at"]) - parse_iso(status["created_at"])).total_seconds() * 1000
        for status in done
    )
    span = _span(done, "created_at", "completed_at")
    return BurstReport(
        requests=count,
        accepted=len(ids),
        succeeded=len(done),
        failed=sum(1 for status in final.values() if status.get("status") == Status.FAILED),
        unfinished=len(ids)
        - sum(1 for status in final.values() if status.get("status") in TERMINAL_STATUSES),
        throughput_per_second=len(done) / span if span > 0 else 0.0,
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        max_ms=latencies[-1] if latencies else 0.0,
        accept_span_seconds=_span(done, "created_at", "created_at"),
        wall_seconds=wall,
    )


def _quietly(call: Callable[[str], dict]) -> Callable[[str], dict | None]:
    """`call`, with None instead of an API or network error (counted later as not accepted or
    not finished, rather than aborting the whole burst)."""

    def quiet(argument: str) -> dict | None:
        try:
            return call(argument)
        except (ApiError, OSError):
            return None

    return quiet


def poll_until_terminal(client: ApiClient, pool, ids: list[str], deadline: float) -> dict:
    """request_id -> final status of every id that became terminal before `deadline`
    (time.monotonic()), polling the waiting ones in rounds on `pool`."""
    final: dict[str, dict] = {}
    while len(final) < len(ids) and time.monotonic() < deadline:
        waiting = [request_id for request_id in ids if request_id not in final]
        statuses = pool.map(_quietly(client.status), waiting)
        for request_id, status in zip(waiting, statuses, strict=True):
            if status and status.get("status") in TERMINAL_STATUSES:
                final[request_id] = status
        if len(final) < len(ids):
            time.sleep(POLL_ROUND_SECONDS)
    return final


def _span(statuses: list[dict], first: str, last: str) -> float:
    """Seconds from the earliest `first` timestamp to the latest `last` one."""
    if not statuses:
        return 0.0
    start = min(parse_iso(status[first]) for status in statuses)
    return (max(parse_iso(status[last]) for status in statuses) - start).total_seconds()


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(percent) - 1]
