"""End to end through the local stack, against the emulator's own ceiling.

Ours: a burst of N `POST /predict` over real HTTP to the stack (its own process: HTTP API,
enqueue handler, SQS event source mapping, worker with the model; moto's server in the stack's
child process), then polling
`GET /status` until every request is terminal (`asyncinfer_local.burst`, what `asyncinfer burst`
runs).

Ceiling: the same emulator (the stack's moto server) given the raw operations of the same N
requests, as many at once as the burst's clients make, but no HTTP API, no Lambda emulation,
no handler logic and no model: per request the enqueue function's conditional put and send, the
worker's two conditional updates and the status reads the burst made; per batch of 10 a
receive and a batch delete. The calls are those our functions make (ResultsTable's, and the queue's
SendMessage), so they are the very same operations. The gap between the two is
what our code and the local stack add on top of the emulator.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from asyncinfer_local.aws import Endpoint
from asyncinfer_local.burst import poll_until_terminal, run_burst
from asyncinfer_local.client import ApiClient
from asyncinfer_local.process import StackProcess
from asyncinfer_local.provision import Resources, provision
from asyncinfer_local.settings import Settings, load_settings
from asyncinfer_shared.contract import (
    Attr,
    InferenceMessage,
    Status,
    parse_message,
    prediction_result,
    utc_now_iso,
)
from asyncinfer_shared.results_table import ResultsTable
from bench.events import bench_text
from bench.runner import Measurement, compare
from bench.stats import percentile

CLIENT_CONCURRENCY = 50  # `asyncinfer burst`'s default number of client connections
UPDATE_CONCURRENCY = 10  # the worker's I/O pool: one thread per message of a batch
RECEIVE_WAIT_SECONDS = 1
CEILING_PREFIX = "bench-ceiling"
# The stack logs as `make up` does (the benchmark's own process quiets its in-process handlers).
STACK_ENV = {"LOG_LEVEL": "INFO"}
CEILING_RESULT = prediction_result(0.25, 0.75, 0.5, "ceiling")


class EndToEndError(RuntimeError):
    """Requests were lost or failed: the run's numbers would be meaningless."""


def run_end_to_end(sizes: list[int], runs: int, timeout_seconds: float) -> dict:
    """Bursts of each size, ours against the ceiling, interleaved in the same runs."""
    settings = load_settings()
    results: dict[str, Any] = {"client_concurrency": CLIENT_CONCURRENCY, "bursts": {}}
    with StackProcess(env=STACK_ENV) as info:
        client = PollCountingClient(info["api_url"], timeout=30.0)
        endpoint = Endpoint(info["endpoint_url"], info["region"], dummy_credentials=True)
        resources = provision(endpoint, settings, CEILING_PREFIX)
        ceiling = RawPipeline(endpoint, resources, settings, client)
        # One small burst each first: connections, caches and the model's first batches.
        _burst(client, 10, timeout_seconds)()
        ceiling.measurement(10, timeout_seconds)()
        for size in sizes:
            sides = {
                "ours": _burst(client, size, timeout_seconds),
                "ceiling": ceiling.measurement(size, timeout_seconds),
            }
            results["bursts"][str(size)] = {"requests": size, **compare(sides, runs)}
    return results


class PollCountingClient(ApiClient):
    """The API client, counting the status polls a burst makes, so the ceiling can make as many
    status reads."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__(base_url, timeout)
        self.polls = 0
        self.polls_per_request = 1.0  # of the latest burst; 1 until one has run
        self._lock = threading.Lock()

    def status(self, request_id: str) -> dict:
        with self._lock:
            self.polls += 1
        return super().status(request_id)


def _burst(client: PollCountingClient, count: int, timeout_seconds: float) -> Measurement:
    def measure() -> tuple[dict[str, float], dict]:
        polls_before = client.polls
        report = run_burst(client, count, CLIENT_CONCURRENCY, timeout_seconds)
        if report.succeeded != count:
            raise EndToEndError(f"burst of {count}: {report.as_dict()}")
        client.polls_per_request = (client.polls - polls_before) / count
        metrics = {
            "throughput_rps": report.throughput_per_second,
            "span_s": count / report.throughput_per_second,
            "p50_ms": report.p50_ms,
            "p99_ms": report.p99_ms,
        }
        return metrics, {"status_polls_per_request": client.polls_per_request}

    return measure


class RawPipeline:
    """The emulator's ceiling for the pipeline's raw operations (see the module docstring)."""

    def __init__(
        self,
        endpoint: Endpoint,
        resources: Resources,
        settings: Settings,
        polls_from: PollCountingClient,
    ):
        pool_size = CLIENT_CONCURRENCY + UPDATE_CONCURRENCY
        self._sqs = endpoint.client("sqs", max_pool_connections=pool_size)
        dynamodb = endpoint.client("dynamodb", max_pool_connections=pool_size)
        self._resources = resources
        self._ttl = settings.result_ttl_seconds
        # The results table's own adapter, as both functions use it: the very same calls.
        self._table = ResultsTable(dynamodb, resources.results_table)
        self._polls_from = polls_from

    def measurement(self, count: int, timeout_seconds: float) -> Measurement:
        def measure() -> tuple[dict[str, float], dict]:
            reads = self._polls_from.polls_per_request
            return self.run(count, timeout_seconds, reads), {"status_reads_per_request": reads}

        return measure

    def run(self, count: int, timeout_seconds: float, reads: float = 1.0) -> dict[str, float]:
        """Rounds of one SQS batch each: put + send per request, receive, the two conditional
        updates per message, delete the batch, one status read per request. As many rounds run
        at once as keep CLIENT_CONCURRENCY calls in flight, so the emulator is saturated while
        its queue stays short (moto's SQS slows down as a queue grows). `reads`: status reads
        per request, as many as the latest burst's polls (at least one)."""
        created: dict[str, float] = {}
        completed: dict[str, float] = {}
        deadline = time.monotonic() + timeout_seconds
        rounds = [range(first, min(first + 10, count)) for first in range(0, count, 10)]
        with (
            ThreadPoolExecutor(CLIENT_CONCURRENCY) as calls,
            ThreadPoolExecutor(CLIENT_CONCURRENCY // 10) as loops,
        ):
            ids = [
                request_id
                for round_ids in loops.map(
                    lambda indices: self._round(
                        indices, calls, created, completed, deadline, reads
                    ),
                    rounds,
                )
                for request_id in round_ids
            ]
            self._sweep(count, calls, completed, deadline)
            # Not timed: check every request really ended succeeded.
            final = poll_until_terminal(_StatusReader(self), calls, ids, deadline)
        done = [rid for rid, status in final.items() if status["status"] == Status.SUCCEEDED]
        if len(done) != count or len(completed) != count:
            raise EndToEndError(f"ceiling run of {count}: {len(done)} succeeded")
        latencies_ms = [(completed[rid] - created[rid]) * 1000 for rid in done]
        span = max(completed.values()) - min(created.values())
        return {
            "throughput_rps": count / span,
            "span_s": span,
            "p50_ms": percentile(latencies_ms, 0.50),
            "p99_ms": percentile(latencies_ms, 0.99),
        }

    def _round(self, indices, calls, created, completed, deadline, reads: float) -> list[str]:
        ids = list(calls.map(lambda index: self._submit(index, created), indices))
        self._process(self._receive(len(ids), deadline), calls, completed)
        total_reads = max(len(ids), round(len(ids) * reads))
        list(calls.map(self.status, (ids[n % len(ids)] for n in range(total_reads))))
        return ids

    def _sweep(self, count: int, calls, completed, deadline: float) -> None:
        """Process what the rounds left in the queue: moto, like SQS, may hand one message to
        two concurrent receivers, and then a round takes a duplicate in place of a message."""
        while len(completed) < count:
            if time.monotonic() > deadline:
                raise EndToEndError(f"ceiling run: {count - len(completed)} never processed")
            self._process(self._receive(1, deadline), calls, completed)

    def _process(self, messages: list[dict], calls, completed: dict[str, float]) -> None:
        """What the worker does with a batch, reduced to its AWS calls, then the deletion."""
        received = [parse_message(message["Body"]).request_id for message in messages]
        list(calls.map(self._start, received))
        for request_id, finished_at in zip(
            received, calls.map(self._finish, received), strict=True
        ):
            if finished_at is not None:
                completed[request_id] = finished_at
        self._sqs.delete_message_batch(
            QueueUrl=self._resources.queue_url,
            Entries=[
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(messages)
            ],
        )

    def _receive(self, count: int, deadline: float) -> list[dict]:
        """`count` messages (any round's: every round sends before it receives, so there are
        always enough), as the event source mapping would receive a batch."""
        messages: list[dict] = []
        while len(messages) < count:
            if time.monotonic() > deadline:
                raise EndToEndError("ceiling run: the queue ran dry before the deadline")
            messages += self._sqs.receive_message(
                QueueUrl=self._resources.queue_url,
                MaxNumberOfMessages=count - len(messages),
                WaitTimeSeconds=RECEIVE_WAIT_SECONDS,
                MessageSystemAttributeNames=["All"],
            ).get("Messages", [])
        return messages

    # -- the raw operations: our own adapters' calls, without the handlers around them --------

    def _submit(self, index: int, created: dict[str, float]) -> str:
        request_id = str(uuid.uuid4())
        created[request_id] = time.time()
        now = datetime.now(UTC)
        submitted_at = utc_now_iso(now)
        self._table.put_pending(request_id, submitted_at, int(now.timestamp()) + self._ttl)
        message = InferenceMessage(request_id, bench_text(index), 0.5, submitted_at)
        self._sqs.send_message(QueueUrl=self._resources.queue_url, MessageBody=message.to_json())
        return request_id

    def _start(self, request_id: str) -> None:
        self._table.start_processing(request_id, utc_now_iso())

    def _finish(self, request_id: str) -> float | None:
        """When the request succeeded, or None for a duplicate delivery (moto, like SQS, can
        hand one message to two concurrent receivers): the first delivery's result stays."""
        finished_at = time.time()
        stored = self._table.mark_succeeded(
            request_id, CEILING_RESULT, {"queue_ms": 0.0, "inference_ms": 0.0}, utc_now_iso()
        )
        return finished_at if stored else None

    def status(self, request_id: str) -> dict:
        item = self._table.get(request_id)
        return {"status": item[Attr.STATUS] if item else None}


class _StatusReader:
    """What `poll_until_terminal` calls: `status(request_id)`, here one consistent GetItem."""

    def __init__(self, pipeline: RawPipeline):
        self.status = pipeline.status
