"""Direct queue and table access for the cases that bypass the API: plant a pending item as the
enqueue function would, send raw messages, watch the queues. Every wait is bounded."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from asyncinfer_shared.contract import Attr, InferenceMessage, Status, utc_now_iso
from tests.integration.target import Target

DRAIN_TIMEOUT_SECONDS = 30.0


def put_pending_item(target: Target, request_id: str, ttl_seconds: int = 3600) -> str:
    """The item the enqueue function writes before it sends the message; returns created_at."""
    created_at = utc_now_iso()
    target.client("dynamodb").put_item(
        TableName=target.results_table,
        Item={
            Attr.REQUEST_ID: {"S": request_id},
            Attr.STATUS: {"S": Status.PENDING.value},
            Attr.CREATED_AT: {"S": created_at},
            Attr.ATTEMPTS: {"N": "0"},
            Attr.EXPIRES_AT: {"N": str(int(time.time()) + ttl_seconds)},
        },
    )
    return created_at


def send(target: Target, body: str) -> str:
    return target.client("sqs").send_message(QueueUrl=target.queue_url, MessageBody=body)[
        "MessageId"
    ]


def wait_until_drained(target: Target, timeout: float = DRAIN_TIMEOUT_SECONDS) -> None:
    """Until the work queue has no message, visible or in flight (all processed and deleted)."""
    sqs = target.client("sqs")
    deadline = time.monotonic() + timeout
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=target.queue_url, AttributeNames=names)
        if all(int(counts["Attributes"][name]) == 0 for name in names):
            return
        time.sleep(0.2)
    raise AssertionError(f"the work queue still holds messages after {timeout:.0f}s: {counts}")


def find_in_dlq(
    target: Target, matches: Callable[[str], bool], timeout: float = DRAIN_TIMEOUT_SECONDS
) -> dict | None:
    """The first dead-letter message whose body `matches` (deleted once found), or None."""
    sqs = target.client("sqs")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=target.dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=1,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        for message in messages:
            if matches(message["Body"]):
                sqs.delete_message(QueueUrl=target.dlq_url, ReceiptHandle=message["ReceiptHandle"])
                return message
    return None


def message_body(**fields: Any) -> str:
    return json.dumps(fields, separators=(",", ":"))


def redeliver(api, target: Target, text: str, threshold: float) -> tuple[dict, dict]:
    """Submit, wait until succeeded, send the very same message again as at-least-once
    delivery may, wait until it is consumed: the status before and after the redelivery."""
    accepted = api.submit(text, threshold)
    first = api.wait(accepted["request_id"], timeout=DRAIN_TIMEOUT_SECONDS)
    assert first["status"] == "succeeded", first
    again = InferenceMessage(
        request_id=accepted["request_id"],
        text=text,
        threshold=threshold,
        submitted_at=first["created_at"],
    )
    send(target, again.to_json())
    wait_until_drained(target)
    return first, api.status(accepted["request_id"])
