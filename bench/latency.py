"""Simulated AWS network round trips for in-process (moto) benchmarks.

On AWS every DynamoDB or SQS call costs a round trip of a few milliseconds; against moto's
in-process mock it costs almost nothing, which hides what matters (calls per message, sequential
versus concurrent calls). A botocore `before-send` hook sleeps one configured round trip per call
before moto answers. `time.sleep` releases the GIL, so calls made concurrently from threads overlap
exactly as they would on the network. The hook also records every call, so a benchmark can report
how many calls it made and how many of them were on the critical path.

In-process, moto does the service's work (parsing expressions, evaluating conditions, building
the response) on the caller's CPU, under the caller's GIL: work that AWS does on its own machines,
inside the round trip. A second hook, on `before-parse`, takes the thread CPU time each call spent
inside the emulator, so a benchmark can also report its wall time without that artefact.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import boto3
from botocore.handlers import BUILTIN_HANDLERS, REGISTER_FIRST

DEFAULT_ROUND_TRIP_MS = 8.0


@dataclass
class CallLog:
    """The AWS calls made while a measurement was active."""

    by_operation: Counter = field(default_factory=Counter)
    # (start, end) of each simulated round trip, perf_counter seconds
    spans: list[tuple[float, float]] = field(default_factory=list)

    # CPU seconds the emulator spent serving the calls (summed over threads)
    emulator_cpu_s: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())

    def critical_path(self) -> int:
        """Round trips a caller had to wait for one after another: the largest set of calls whose
        simulated round trips do not overlap in time (greedy interval scheduling). Sequential
        calls all count; calls made concurrently count once. Only meaningful with a round trip > 0.
        """
        count, last_end = 0, float("-inf")
        for start, end in sorted(self.spans, key=lambda span: span[1]):
            if start >= last_end:
                count, last_end = count + 1, end
        return count


class SimulatedLatency:
    """The before-send hook. Inactive (no sleep, no recording) outside `measure()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._round_trip_s = 0.0
        self._log: CallLog | None = None
        self._in_emulator = threading.local()

    def __call__(self, event_name: str = "", **_: object) -> None:
        log = self._log
        if log is None:
            return None
        start = time.perf_counter()
        if self._round_trip_s:
            time.sleep(self._round_trip_s)
        end = time.perf_counter()
        operation = event_name.removeprefix("before-send.")
        with self._lock:
            log.by_operation[operation] += 1
            log.spans.append((start, end))
        self._in_emulator.since = time.thread_time()
        # None lets the next before-send handler (moto's stubber) produce the response.
        return None

    def response_arrived(self, **_: object) -> None:
        """`before-parse`: the emulator has answered; charge its CPU time to the log."""
        since = getattr(self._in_emulator, "since", None)
        self._in_emulator.since = None
        log = self._log
        if since is None or log is None:
            return
        spent = time.thread_time() - since
        with self._lock:
            log.emulator_cpu_s += spent

    @contextmanager
    def measure(self, round_trip_ms: float) -> Iterator[CallLog]:
        """Sleep `round_trip_ms` per AWS call and record the calls made inside the block."""
        log = CallLog()
        with self._lock:
            if self._log is not None:
                raise RuntimeError("latency measurements do not nest")
            self._round_trip_s, self._log = round_trip_ms / 1000.0, log
        try:
            yield log
        finally:
            with self._lock:
                self._round_trip_s, self._log = 0.0, None


LATENCY = SimulatedLatency()


def install() -> SimulatedLatency:
    """Register the hook first among before-send handlers of every botocore session created from
    now on (moto registers its stubber the same way, after ours, so ours runs before it answers).
    Idempotent. Call it before the code under test creates its boto3 clients."""
    spec = ("before-send", LATENCY, REGISTER_FIRST)
    if spec not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append(spec)
        BUILTIN_HANDLERS.append(("before-parse", LATENCY.response_arrived, REGISTER_FIRST))
        # A default session made earlier would hand out clients without the hook.
        boto3.DEFAULT_SESSION = None
    return LATENCY
