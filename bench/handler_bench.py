"""Handler benchmarks in moto's in-process mock under a simulated round trip per AWS call:
the worker (a batch of 10; a stream of batches) and the enqueue function, ours against the
seed-style baseline, both sides interleaved in the same runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asyncinfer_local.lambda_runtime import invoke, load_handler
from asyncinfer_shared.contract import Attr, Status, parse_message
from bench.events import sqs_event, stage_pending_requests, submit_event, warm_up_event
from bench.latency import CallLog, SimulatedLatency
from bench.mock_stack import MockStack, mocked_stack
from bench.runner import Measurement, compare

WORKER_HANDLERS = {
    "ours": "asyncinfer_worker.handler.handler",
    "baseline": "bench.baseline.worker.handler",
}
ENQUEUE_HANDLERS = {
    "ours": "asyncinfer_enqueue.handler.handler",
    "baseline": "bench.baseline.enqueue.handler",
}
SQS_BATCH_SIZE = 10
BATCH_GET_LIMIT = 100  # DynamoDB BatchGetItem's limit
# Calls on the critical path are counted under a round trip long enough that scheduling jitter
# (threads starting a millisecond apart) cannot make concurrent calls look sequential.
CRITICAL_PATH_ROUND_TRIP_MS = 100.0


class BenchmarkError(RuntimeError):
    """A side did not do the work it was timed for: its numbers would be meaningless."""


@dataclass(frozen=True)
class HandlerSizes:
    runs: int
    stream_messages: int  # the "per 1,000 messages" stream
    enqueue_requests: int  # requests per enqueue run


def forget_cached_clients() -> None:
    """Handlers cache boto3 clients per container. Clients made before the latency hook was
    installed (an earlier test in the same process) would bypass it: start from none."""
    from asyncinfer_enqueue.settings import CLIENTS as enqueue_clients
    from asyncinfer_worker.settings import CLIENTS as worker_clients

    enqueue_clients.reset()
    worker_clients.reset()


def run_handler_benchmarks(
    model_path: Path, latency: SimulatedLatency, round_trips_ms: list[float], sizes: HandlerSizes
) -> dict:
    forget_cached_clients()
    results: dict = {}
    with mocked_stack(model_path) as stack:
        # Imported inside the mock: the seed-style baseline reads its environment at import.
        workers = {side: load_handler(name) for side, name in WORKER_HANDLERS.items()}
        enqueues = {side: load_handler(name) for side, name in ENQUEUE_HANDLERS.items()}
        counter = _Counter()
        for side in workers:  # warm containers: cold starts are measured separately
            invoke(workers[side], warm_up_event(), stack.worker_function)
            _worker_run(stack, workers[side], latency, 0.0, SQS_BATCH_SIZE, counter)()
            _enqueue_run(stack, enqueues[side], latency, 0.0, 1, side)()
        results["critical_path"] = {
            "round_trip_ms": CRITICAL_PATH_ROUND_TRIP_MS,
            "worker_batch_of_10": {
                side: _worker_run(
                    stack, workers[side], latency, CRITICAL_PATH_ROUND_TRIP_MS, 10, counter
                )()[1]
                for side in workers
            },
            "enqueue_request": {
                side: _enqueue_run(
                    stack, enqueues[side], latency, CRITICAL_PATH_ROUND_TRIP_MS, 1, side
                )()[1]
                for side in enqueues
            },
        }
        for round_trip in round_trips_ms:
            key = f"{round_trip:g}ms"
            results[key] = {
                "round_trip_ms": round_trip,
                "worker_batch_of_10": _compare(
                    lambda side, rt=round_trip: _worker_run(
                        stack, workers[side], latency, rt, SQS_BATCH_SIZE, counter
                    ),
                    sizes.runs,
                ),
                "worker_stream": {
                    "messages": sizes.stream_messages,
                    **_compare(
                        lambda side, rt=round_trip: _worker_run(
                            stack, workers[side], latency, rt, sizes.stream_messages, counter
                        ),
                        sizes.runs,
                    ),
                },
                "enqueue_request": _compare(
                    lambda side, rt=round_trip: _enqueue_run(
                        stack, enqueues[side], latency, rt, sizes.enqueue_requests, side
                    ),
                    sizes.runs,
                ),
            }
    return results


def _compare(measurement_for: Callable[[str], Measurement], runs: int) -> dict:
    return compare({side: measurement_for(side) for side in ("ours", "baseline")}, runs)


class _Counter:
    """Distinct texts across all runs, so no two requests of a benchmark are the same."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> int:
        first, self.next = self.next, self.next + count
        return first


def _worker_run(
    stack: MockStack,
    handler: Callable,
    latency: SimulatedLatency,
    round_trip_ms: float,
    messages: int,
    counter: _Counter,
) -> Measurement:
    """Seconds to process `messages` messages as consecutive SQS batches of 10 (one warm
    container), plus the AWS calls per batch and how many of them were sequential."""

    def measure() -> tuple[dict[str, float], dict]:
        table = stack.resources.results_table
        bodies = stage_pending_requests(stack.dynamodb, table, counter.take(messages), messages)
        events = [
            sqs_event(bodies[start : start + SQS_BATCH_SIZE], stack.resources.queue_arn)
            for start in range(0, len(bodies), SQS_BATCH_SIZE)
        ]
        with latency.measure(round_trip_ms) as calls:
            started = time.perf_counter()
            responses = [invoke(handler, event, stack.worker_function) for event in events]
            wall = time.perf_counter() - started
        for response in responses:
            if isinstance(response, dict) and response.get("batchItemFailures"):
                raise BenchmarkError(f"worker asked for retries: {response}")
        require_succeeded(stack.dynamodb, stack.resources.results_table, bodies)
        metrics = {"wall_s": wall, "wall_minus_emulator_s": wall - calls.emulator_cpu_s}
        return metrics, _call_fields(calls, len(events), round_trip_ms)

    return measure


def _enqueue_run(
    stack: MockStack,
    handler: Callable,
    latency: SimulatedLatency,
    round_trip_ms: float,
    requests: int,
    side: str,
) -> Measurement:
    """Mean seconds per accepted `POST /predict`, plus AWS calls per request."""

    def measure() -> tuple[dict[str, float], dict]:
        events = [submit_event(f"enqueue benchmark request {index}") for index in range(requests)]
        with latency.measure(round_trip_ms) as calls:
            started = time.perf_counter()
            responses = [invoke(handler, event, stack.enqueue_function) for event in events]
            wall = time.perf_counter() - started
        refused = [r for r in responses if r.get("statusCode") != 202]
        if refused:
            raise BenchmarkError(f"{side} enqueue refused requests: {refused[:1]}")
        queued = stack.drain_queue(limit=2 * requests)
        if queued != requests:
            raise BenchmarkError(f"{side} enqueue queued {queued} messages for {requests}")
        metrics = {
            "latency_s": wall / requests,
            "latency_minus_emulator_s": (wall - calls.emulator_cpu_s) / requests,
        }
        return metrics, _call_fields(calls, requests, round_trip_ms)

    return measure


def _call_fields(calls: CallLog, units: int, round_trip_ms: float) -> dict:
    """AWS calls per unit (batch or request) and the emulator's CPU per unit; under the long
    critical-path round trip only, also the calls per unit that ran one after another (with
    short round trips, scheduling jitter would make concurrent calls look sequential)."""
    fields = {
        "aws_calls_per_unit": calls.total / units,
        "emulator_cpu_ms_per_unit": calls.emulator_cpu_s * 1000 / units,
        "aws_calls_by_operation": dict(calls.by_operation),
    }
    if round_trip_ms >= CRITICAL_PATH_ROUND_TRIP_MS:
        fields["critical_path_calls_per_unit"] = calls.critical_path() / units
    return fields


def require_succeeded(dynamodb, table: str, bodies: list[str]) -> None:
    """Every request of the run (given by its SQS message bodies) must be stored as succeeded,
    whichever side processed it: a side that skipped work must not look fast."""
    request_ids = [parse_message(body).request_id for body in bodies]
    for start in range(0, len(request_ids), BATCH_GET_LIMIT):
        chunk = request_ids[start : start + BATCH_GET_LIMIT]
        keys = [{Attr.REQUEST_ID: {"S": request_id}} for request_id in chunk]
        found: dict[str, str] = {}
        while keys:
            answer = dynamodb.batch_get_item(
                RequestItems={table: {"Keys": keys, "ConsistentRead": True}}
            )
            for item in answer["Responses"].get(table, []):
                found[item[Attr.REQUEST_ID]["S"]] = item[Attr.STATUS]["S"]
            keys = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        missing = [rid for rid in chunk if found.get(rid) != Status.SUCCEEDED.value]
        if missing:
            raise BenchmarkError(f"{len(missing)} requests not succeeded, e.g. {missing[0]}")
