"""What the worker does with messages the API never sent: poison messages and redeliveries,
sent straight to the queue (needs direct access; skipped with a reason otherwise)."""

from __future__ import annotations

import uuid

import pytest

from asyncinfer_shared.contract import utc_now_iso
from tests.integration.queue_access import (
    find_in_dlq,
    message_body,
    put_pending_item,
    redeliver,
    send,
    wait_until_drained,
)

WAIT_SECONDS = 60


@pytest.mark.parametrize(
    ("poison", "code"),
    [
        ({"schema_version": 99}, "unsupported_schema_version"),
        ({"text": "x" * 5000}, "invalid_input"),  # more than the model accepts
    ],
)
def test_poison_message_fails_its_request_and_lands_in_the_dlq(api, direct, poison, code):
    request_id = str(uuid.uuid4())
    put_pending_item(direct, request_id)
    fields = {"schema_version": 1, "request_id": request_id, "text": "fine", "threshold": 0.5}
    body = message_body(**{**fields, "submitted_at": utc_now_iso(), **poison})
    send(direct, body)

    final = api.wait(request_id, timeout=WAIT_SECONDS)
    assert final["status"] == "failed"
    assert final["error"]["code"] == code
    assert final["result"] is None
    if direct.dlq_drained:
        return  # the drain consumed the forwarded message, leaving the worker's failure alone
    dead = find_in_dlq(direct, body.__eq__)
    assert dead is not None, "the poison message is not in the dead-letter queue"
    assert dead["MessageAttributes"]["error_code"]["StringValue"] == code


def test_message_that_is_not_json_lands_in_the_dlq(direct):
    if direct.dlq_drained:
        pytest.skip("the stack's dead-letter drain empties the DLQ before a test can read it")
    body = f"not json at all {uuid.uuid4()}"
    send(direct, body)
    assert find_in_dlq(direct, body.__eq__) is not None
    wait_until_drained(direct)


def test_redelivered_message_does_not_rerun_inference(api, direct):
    first, after = redeliver(api, direct, "a charming little film", 0.4)
    assert after == first  # attempts, started_at, completed_at, result: all unchanged
    assert after["attempts"] == 1
