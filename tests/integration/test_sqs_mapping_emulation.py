"""The SQS event source mapping emulation against moto's SQS server, with recording handlers in
place of the worker: batching, deletion of what succeeded, partial batch responses, redrive."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import Counter

import pytest

from asyncinfer_local.aws import EmbeddedAws, Endpoint
from asyncinfer_local.lambda_runtime import FunctionConfig
from asyncinfer_local.sqs_mapping import (
    MalformedBatchResponse,
    MappingConfig,
    SqsEventSourceMapping,
    failed_message_ids,
)

REGION = "eu-west-1"
FUNCTION = FunctionConfig("mapping-test", timeout_seconds=30, memory_size_mb=512, region=REGION)
WAIT_SECONDS = 20


@pytest.fixture(scope="module")
def sqs():
    server = EmbeddedAws("127.0.0.1", 0)
    url = server.start()
    yield Endpoint(url, REGION, dummy_credentials=True).client("sqs")
    server.stop()


def make_queue(sqs, visibility_seconds: int = 30, max_receive_count: int = 5) -> dict:
    """A queue and its DLQ. Keep the batching window under the visibility timeout (AWS asks for
    the timeout to cover it), or a message can come back while its batch is still gathering."""
    name = f"mapping-{uuid.uuid4().hex[:10]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility_seconds),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return {"url": url, "arn": arn, "dlq_url": dlq_url}


def send_all(sqs, queue: dict, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        entries = [
            {"Id": str(index), "MessageBody": body}
            for index, body in enumerate(bodies[start : start + 10])
        ]
        sqs.send_message_batch(QueueUrl=queue["url"], Entries=entries)


class Recorder:
    """Records every invocation; `answer(records)` decides the response (or raises)."""

    def __init__(self, answer=lambda records: {"batchItemFailures": []}, pause: float = 0.0):
        self.answer = answer
        self.pause = pause
        self.batches: list[list[dict]] = []
        self.contexts: list = []
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()

    def __call__(self, event, context):
        with self._lock:
            self.batches.append(event["Records"])
            self.contexts.append(context)
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            time.sleep(self.pause)
            return self.answer(event["Records"])
        finally:
            with self._lock:
                self.active -= 1

    def bodies(self) -> Counter:
        return Counter(record["body"] for batch in self.batches for record in batch)


def run_mapping(sqs, queue, recorder, *, batch_size=10, window=0.5, concurrency=2):
    mapping = SqsEventSourceMapping(
        sqs,
        recorder,
        FUNCTION,
        MappingConfig(
            queue_url=queue["url"],
            queue_arn=queue["arn"],
            region=REGION,
            batch_size=batch_size,
            batching_window_seconds=window,
            maximum_concurrency=concurrency,
            poll_wait_seconds=1,
        ),
        log=None,
    )
    mapping.start()
    return mapping


def wait_for(condition, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.05)


def queue_is_empty(sqs, url: str) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return all(counts[name] == "0" for name in names)


def test_record_has_the_shape_lambda_gives_it(sqs):
    queue, recorder = make_queue(sqs), Recorder()
    sqs.send_message(
        QueueUrl=queue["url"],
        MessageBody="hello",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "greeting"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )
    mapping = run_mapping(sqs, queue, recorder)
    try:
        wait_for(lambda: recorder.batches)
    finally:
        mapping.stop()
    record = recorder.batches[0][0]
    assert record["body"] == "hello"
    assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue["arn"]
    assert record["awsRegion"] == REGION
    assert record["messageId"] and record["receiptHandle"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["kind"] == {
        "dataType": "String",
        "stringValue": "greeting",
        "stringListValues": [],
        "binaryListValues": [],
    }
    assert record["messageAttributes"]["raw"]["binaryValue"] == "AQI="
    assert "md5OfMessageAttributes" in record


def test_batches_respect_the_batch_size_and_succeeded_records_are_deleted(sqs):
    queue, recorder = make_queue(sqs), Recorder()
    bodies = [f"message {index}" for index in range(25)]
    send_all(sqs, queue, bodies)
    mapping = run_mapping(sqs, queue, recorder, batch_size=10)
    try:
        wait_for(lambda: sum(recorder.bodies().values()) >= 25)
        wait_for(lambda: queue_is_empty(sqs, queue["url"]))
    finally:
        mapping.stop()
    assert recorder.bodies() == Counter(bodies)  # each exactly once
    assert max(len(batch) for batch in recorder.batches) <= 10
    assert len(recorder.batches) < 25  # batched, not one record per invocation


def test_only_reported_failures_are_delivered_again(sqs):
    queue = make_queue(sqs, visibility_seconds=2)
    failed_once: set[str] = set()

    def fail_first_delivery_of_b(records):
        failures = []
        for record in records:
            if record["body"] == "b" and record["body"] not in failed_once:
                failed_once.add(record["body"])
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    recorder = Recorder(fail_first_delivery_of_b)
    send_all(sqs, queue, ["a", "b", "c"])
    mapping = run_mapping(sqs, queue, recorder)
    try:
        wait_for(lambda: recorder.bodies()["b"] == 2)
        wait_for(lambda: queue_is_empty(sqs, queue["url"]))
    finally:
        mapping.stop()
    assert recorder.bodies() == Counter({"a": 1, "b": 2, "c": 1})
    second_b = [r for batch in recorder.batches for r in batch if r["body"] == "b"][-1]
    assert second_b["attributes"]["ApproximateReceiveCount"] == "2"


def raise_error(records):
    raise RuntimeError("boom")


def name_a_record_of_another_batch(records):
    return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}


def return_unserializable(records):
    return {"batchItemFailures": {object()}}


@pytest.mark.parametrize(
    "first_answer", [raise_error, name_a_record_of_another_batch, return_unserializable]
)
def test_failed_invocation_delivers_the_whole_batch_again(sqs, first_answer):
    queue = make_queue(sqs, visibility_seconds=2)
    calls: list[int] = []

    def fail_first_time(records):
        calls.append(len(records))
        return first_answer(records) if len(calls) == 1 else None

    recorder = Recorder(fail_first_time)
    send_all(sqs, queue, ["a", "b", "c"])
    mapping = run_mapping(sqs, queue, recorder, concurrency=1, window=0.5)
    try:
        wait_for(lambda: sum(recorder.bodies().values()) >= 6)
        wait_for(lambda: queue_is_empty(sqs, queue["url"]))
    finally:
        mapping.stop()
    assert recorder.bodies() == Counter({"a": 2, "b": 2, "c": 2})


@pytest.mark.parametrize("response", [None, "", {}, {"batchItemFailures": []}, {"other": 1}])
def test_empty_responses_mean_the_whole_batch_succeeded(response):
    assert failed_message_ids(response, ["m1", "m2"]) == set()


def test_listed_item_identifiers_are_the_failures():
    response = {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert failed_message_ids(response, ["m1", "m2"]) == {"m2"}


@pytest.mark.parametrize(
    "response",
    [
        {"batchItemFailures": [{"itemIdentifier": "m9"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"id": "m1"}]},
        {"batchItemFailures": "m1"},
        ["m1"],
        "m1",
    ],
)
def test_malformed_responses_are_rejected(response):
    with pytest.raises(MalformedBatchResponse):
        failed_message_ids(response, ["m1", "m2"])


def test_invocations_never_exceed_the_maximum_concurrency(sqs):
    queue, recorder = make_queue(sqs, visibility_seconds=30), Recorder(pause=0.3)
    send_all(sqs, queue, [f"m{index}" for index in range(8)])
    mapping = run_mapping(sqs, queue, recorder, batch_size=1, window=0, concurrency=2)
    try:
        wait_for(lambda: sum(recorder.bodies().values()) >= 8)
    finally:
        mapping.stop()
    assert recorder.most_active == 2


def test_message_failing_every_time_moves_to_the_dlq_after_max_receive_count(sqs):
    queue = make_queue(sqs, visibility_seconds=1, max_receive_count=2)
    recorder = Recorder(
        lambda records: {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]}
    )
    send_all(sqs, queue, ["doomed"])
    mapping = run_mapping(sqs, queue, recorder, window=0)
    moved: list[dict] = []
    try:

        def in_dlq() -> bool:
            moved.extend(
                sqs.receive_message(QueueUrl=queue["dlq_url"], WaitTimeSeconds=1).get(
                    "Messages", []
                )
            )
            return bool(moved)

        wait_for(in_dlq)
    finally:
        mapping.stop()
    assert moved[0]["Body"] == "doomed"
    assert recorder.bodies()["doomed"] == 2


def test_context_counts_down_from_the_function_timeout(sqs):
    queue, recorder = make_queue(sqs), Recorder(pause=0.2)
    send_all(sqs, queue, ["a", "b"])
    mapping = run_mapping(sqs, queue, recorder, batch_size=1, window=0)
    try:
        wait_for(lambda: len(recorder.contexts) >= 2)
    finally:
        mapping.stop()
    first, second = recorder.contexts[:2]
    assert first.aws_request_id != second.aws_request_id
    assert first.get_remaining_time_in_millis() < FUNCTION.timeout_seconds * 1000
    assert first.function_name == FUNCTION.name
    assert first.invoked_function_arn.endswith(f":function:{FUNCTION.name}")


def test_stop_returns_promptly_while_polling_an_empty_queue(sqs):
    mapping = run_mapping(sqs, make_queue(sqs), Recorder())
    time.sleep(0.5)
    started = time.monotonic()
    mapping.stop()
    # Bounded by one long-poll wait (1 s here), not by the 30 s function timeout.
    assert time.monotonic() - started < 5
