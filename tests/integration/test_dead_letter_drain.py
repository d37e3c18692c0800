"""A worker that stops on every receive (crash, timeout, init failure: it never gets to fail the
request itself) leaves no request pending or processing: once SQS's redrive moves the message to
the DLQ, the dead-letter drain fails the request with worker_stopped, exactly once. Without the
drain the same request stays non-terminal, which is what the first test would catch.

Each case runs a stack of its own (crashing_worker.py as the worker) with a 1 s visibility
timeout and two receives, so a message reaches the DLQ within seconds."""

from __future__ import annotations

import time

import pytest

from asyncinfer_local.client import ApiClient, WaitTimeout
from asyncinfer_shared.contract import ErrorCode, Status
from tests.integration.conftest import UNDRAINED
from tests.integration.crashing_worker import AFTER_START
from tests.integration.queue_access import wait_until_drained
from tests.integration.stack_logs import logged
from tests.integration.stacks import own_stack

QUICK_DEAD_LETTERS = {
    "queue.visibility_timeout_seconds": 1,
    "queue.max_receive_count": 2,
    # As on AWS, where the visibility timeout is 6x the worker's: by the time SQS redrives a
    # message, the lease of the invocation that died holding it (its deadline) has run out, and
    # a drain that finds a live lease comes back after the DLQ's visibility timeout.
    "worker.timeout_seconds": 1,
    "queue.dlq_visibility_timeout_seconds": 1,
    "worker.maximum_batching_window_in_seconds": 0,
    "dead_letters.maximum_batching_window_in_seconds": 0,
}
CRASHING_WORKER = ("--worker-handler", "tests.integration.crashing_worker.handler", "--no-warm")
WAIT_SECONDS = 60
# The drain long-polls the DLQ (2 s waits) and fails a request in milliseconds: a request still
# non-terminal this long after its message reached the DLQ was not drained.
DRAIN_WINDOW_SECONDS = 8
DLQ_COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]


@pytest.fixture(scope="module")
def crashing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crashing")
    with own_stack(folder, "crash", QUICK_DEAD_LETTERS, CRASHING_WORKER) as (stack, target):
        yield stack, target


@pytest.fixture(scope="module")
def undrained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("undrained")
    with own_stack(folder, "nodrain", QUICK_DEAD_LETTERS, CRASHING_WORKER, UNDRAINED) as running:
        yield running[1]


def dlq_count(target) -> int:
    counts = target.client("sqs").get_queue_attributes(
        QueueUrl=target.dlq_url, AttributeNames=DLQ_COUNTS
    )["Attributes"]
    return sum(int(counts[name]) for name in DLQ_COUNTS)


@pytest.mark.parametrize("text", ["fine", f"fine {AFTER_START}"], ids=["pending", "processing"])
def test_request_whose_worker_stops_on_every_receive_ends_failed_once(crashing, text):
    stack, target = crashing
    api = ApiClient(target.api_url)
    request_id = api.submit(text)["request_id"]

    final = api.wait(request_id, timeout=WAIT_SECONDS)

    assert final["status"] == Status.FAILED
    assert final["error"]["code"] == ErrorCode.WORKER_STOPPED
    assert "crashed, timed out or failed to initialise" in final["error"]["message"]
    assert len(logged(stack, "dead-lettered request failed", request_id)) == 1
    assert api.status(request_id) == final  # nothing moves it again


def test_drain_leaves_the_dlq_empty(crashing):
    _, target = crashing
    api = ApiClient(target.api_url)
    api.wait(api.submit("fine")["request_id"], timeout=WAIT_SECONDS)
    deadline = time.monotonic() + WAIT_SECONDS
    while dlq_count(target) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dlq_count(target) == 0


def test_without_the_drain_a_dead_lettered_request_stays_non_terminal(undrained):
    api = ApiClient(undrained.api_url)
    request_id = api.submit("fine")["request_id"]
    wait_until_drained(undrained)  # the work queue is empty: SQS redrove the message to the DLQ
    assert dlq_count(undrained) == 1

    with pytest.raises(WaitTimeout) as waited:
        api.wait(request_id, timeout=DRAIN_WINDOW_SECONDS)

    assert waited.value.last["status"] in (Status.PENDING, Status.PROCESSING)


def test_a_stack_says_whether_its_dlq_is_drained(crashing, undrained):
    """Tests that read the DLQ rely on this (test_queue_delivery.py): a wrong flag would make
    them read a queue the drain empties, or skip where they could check."""
    _, drained = crashing
    assert drained.dlq_drained is True
    assert undrained.dlq_drained is False
