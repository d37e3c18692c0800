"""The processing lease: copies delivered at the same time run inference once, a copy finding its
request held is retried (never failed) after the queue's visibility timeout, a crashed holder's
request is taken over."""

from __future__ import annotations

import copy
import json

import pytest
from worker_doubles import (
    EVENTS,
    EXPLODE,
    MAX_RECEIVE_COUNT,
    InvocationContext,
    another_delivery_succeeds_first,
    copies_probe,
    failed_ids,
    forwards_made,
    held,
    message_ids,
    sqs_event,
    stored,
    submitted,
    tiny_module,
)

from asyncinfer_shared.contract import Attr, Status
from asyncinfer_shared.results_table import epoch_ms
from asyncinfer_worker.handler import handler
from asyncinfer_worker.model_holder import holder_for

STARTED_EARLIER = "2026-11-27T21:00:00.000Z"


# -- copies delivered together -------------------------------------------------------------


@pytest.mark.parametrize("io_concurrency", ["1", "10"])
def test_copies_in_one_batch_run_inference_once(
    worker_env, atomic_updates, monkeypatch, io_concurrency
):
    monkeypatch.setenv("IO_CONCURRENCY", io_concurrency)
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good fun")

    probe = copies_probe(handler, tiny_module(worker_env.model_path), dynamodb, message)

    assert probe.forwards == [1]
    assert probe.item[Attr.STATUS] == Status.SUCCEEDED
    assert probe.item[Attr.ATTEMPTS] == 1
    assert len(probe.retried) == 1  # the copy, whichever of the two lost the race
    assert set(probe.retried) < set(probe.message_ids)


def test_one_message_twice_in_a_batch_is_reported_for_retry_once(worker_env, atomic_updates):
    """At-least-once delivery can put the very same message (same id) twice in one batch. The
    two copies race for the lease concurrently: conditional writes must be atomic, as on
    DynamoDB (plain moto let both copies win about once in 40 runs)."""
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    event = sqs_event(message, message)
    event["Records"][1]["messageId"] = event["Records"][0]["messageId"]

    response = handler(event, None)

    assert failed_ids(response) == [event["Records"][0]["messageId"]]
    assert stored(dynamodb, message.request_id)[Attr.ATTEMPTS] == 1


@pytest.mark.parametrize("receive_count", [1, MAX_RECEIVE_COUNT])
def test_copy_held_by_another_invocation_is_retried_not_run_and_not_failed(
    worker_env, receive_count
):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    held(dynamodb, message.request_id, lease_in_ms=60_000, started_at=STARTED_EARLIER)
    before = stored(dynamodb, message.request_id)
    event = sqs_event(message, receive_count=receive_count)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    assert stored(dynamodb, message.request_id) == before  # still the holder's, not failed
    assert not holder_for(str(worker_env.model_path)).is_loaded  # no inference was needed


def test_busy_copy_stays_invisible_until_the_visibility_timeout(worker_env):
    """No early redelivery: under the 6x visibility rule the copy comes back when its holder has
    finished or died, and an early return would spend one of its receives for nothing (the
    worker's role may not change visibility)."""
    aws = worker_env.aws
    queue = aws.sqs.create_queue(
        QueueName="asyncinfer-test-requests", Attributes={"VisibilityTimeout": "720"}
    )["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    message = submitted(aws.dynamodb, "good")
    held(aws.dynamodb, message.request_id, lease_in_ms=1_000, started_at=STARTED_EARLIER)
    aws.sqs.send_message(QueueUrl=queue, MessageBody=message.to_json())
    (received,) = aws.sqs.receive_message(QueueUrl=queue)["Messages"]
    record = copy.deepcopy(json.loads((EVENTS / "sqs_batch.json").read_text())["Records"][0])
    record.update(
        messageId=received["MessageId"],
        receiptHandle=received["ReceiptHandle"],
        body=received["Body"],
        eventSourceARN=queue_arn["Attributes"]["QueueArn"],
    )

    response = handler({"Records": [record]}, None)

    assert failed_ids(response) == [received["MessageId"]]
    again = aws.sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages", [])
    assert again == []


# -- crash recovery ------------------------------------------------------------------------


def test_request_of_a_crashed_invocation_is_taken_over_and_succeeds(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    held(dynamodb, message.request_id, lease_in_ms=-1_000, started_at=STARTED_EARLIER)
    module = tiny_module(worker_env.model_path)
    responses = []

    forwards = forwards_made(module, lambda: responses.append(handler(sqs_event(message), None)))

    assert responses == [{"batchItemFailures": []}]
    assert forwards == [1]
    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.SUCCEEDED
    assert item[Attr.ATTEMPTS] == 2
    assert item[Attr.STARTED_AT] == STARTED_EARLIER


def test_slow_holder_and_the_delivery_that_took_over_store_one_outcome(worker_env):
    """A lease can run out while its holder still runs (skewed clocks, the fallback lease): the
    holder and the delivery that took over both infer, the first write wins, the other is acked."""
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    held(dynamodb, message.request_id, lease_in_ms=-1, started_at=STARTED_EARLIER)
    holders_result = another_delivery_succeeds_first(dynamodb, message.request_id, "slow-holder")

    response = handler(sqs_event(message, receive_count=2), None)

    assert response == {"batchItemFailures": []}
    item = stored(dynamodb, message.request_id)
    assert item[Attr.RESULT] == holders_result
    assert item[Attr.ATTEMPTS] == 2


def test_transient_failure_releases_the_lease_for_the_retry(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, f"good {EXPLODE}")

    handler(sqs_event(message), InvocationContext(remaining_ms=60_000))

    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.PROCESSING
    assert Attr.LEASE_EXPIRES_AT not in item


# -- how long the lease is -----------------------------------------------------------------


def test_lease_ends_at_the_invocations_deadline(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    before = epoch_ms()

    handler(sqs_event(message), InvocationContext(remaining_ms=45_000))

    lease = stored(dynamodb, message.request_id)[Attr.LEASE_EXPIRES_AT]
    assert before + 45_000 <= lease <= epoch_ms() + 45_000


def test_lease_without_a_lambda_context_is_the_fallback_setting(worker_env, monkeypatch):
    monkeypatch.setenv("LEASE_FALLBACK_SECONDS", "120")
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    before = epoch_ms()

    handler(sqs_event(message), None)

    lease = stored(dynamodb, message.request_id)[Attr.LEASE_EXPIRES_AT]
    assert before + 120_000 <= lease <= epoch_ms() + 120_000
