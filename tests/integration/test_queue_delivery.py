"""What the worker does with messages the API never sent: poison messages and redeliveries,
sent straight to the queue (needs direct access; skipped with a reason otherwise)."""

from __future__ import annotations

import uuid

from asyncinfer_shared.contract import InferenceMessage, utc_now_iso
from tests.integration.queue_access import (
    find_in_dlq,
    message_body,
    put_pending_item,
    send,
    wait_until_drained,
)

WAIT_SECONDS = 60


def test_poison_message_fails_its_request_and_lands_in_the_dlq(api, direct):
    request_id = str(uuid.uuid4())
    put_pending_item(direct, request_id)
    body = message_body(
        schema_version=99,
        request_id=request_id,
        text="fine",
        threshold=0.5,
        submitted_at=utc_now_iso(),
    )
    send(direct, body)

    final = api.wait(request_id, timeout=WAIT_SECONDS)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "unsupported_schema_version"
    assert final["result"] is None
    dead = find_in_dlq(direct, body)
    assert dead is not None, "the poison message is not in the dead-letter queue"
    assert dead["MessageAttributes"]["error_code"]["StringValue"] == "unsupported_schema_version"


def test_message_that_is_not_json_lands_in_the_dlq(direct):
    body = f"not json at all {uuid.uuid4()}"
    send(direct, body)
    assert find_in_dlq(direct, body) is not None
    wait_until_drained(direct)


def test_message_with_input_the_model_rejects_fails_its_request(api, direct):
    request_id = str(uuid.uuid4())
    put_pending_item(direct, request_id)
    body = message_body(
        schema_version=1,
        request_id=request_id,
        text="x" * 5000,
        threshold=0.5,
        submitted_at=utc_now_iso(),
    )
    send(direct, body)
    final = api.wait(request_id, timeout=WAIT_SECONDS)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "invalid_input"
    assert find_in_dlq(direct, body) is not None


def test_redelivered_message_does_not_rerun_inference(api, direct):
    text, threshold = "a charming little film", 0.4
    accepted = api.submit(text, threshold)
    first = api.wait(accepted["request_id"], timeout=WAIT_SECONDS)
    assert first["status"] == "succeeded"

    # The same message again, as SQS's at-least-once delivery may hand it over.
    again = InferenceMessage(
        request_id=accepted["request_id"],
        text=text,
        threshold=threshold,
        submitted_at=first["created_at"],
    )
    send(direct, again.to_json())
    wait_until_drained(direct)

    after = api.status(accepted["request_id"])
    assert after == first  # attempts, started_at, completed_at, result: all unchanged
    assert after["attempts"] == 1
