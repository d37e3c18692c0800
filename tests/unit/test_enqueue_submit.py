"""POST /predict: what an accepted request leaves behind, every way a body is refused, and what
happens when the table or the queue fails (reference defects 2 and 6)."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from enqueue_calls import assert_error, fail_calls, invoke, submit_event

from asyncinfer_enqueue.settings import CLIENTS
from asyncinfer_shared.contract import (
    DEFAULT_RESULT_TTL_SECONDS,
    MESSAGE_SCHEMA_VERSION,
    is_request_id,
    parse_message,
)


def assert_nothing_stored(stack) -> None:
    assert stack.items() == []
    assert stack.messages() == []


# ---------------------------------------------------------------------------
# Accepted
# ---------------------------------------------------------------------------


def test_submit_answers_202_with_request_id_poll_url_and_location(stack):
    reply = invoke(submit_event())

    assert reply.status == 202
    request_id = reply.body["request_id"]
    assert is_request_id(request_id)
    assert reply.body == {
        "request_id": request_id,
        "status": "pending",
        "poll_url": f"/status/{request_id}",
    }
    assert reply.headers["Location"] == f"/status/{request_id}"


def test_submit_writes_pending_item_with_ttl(stack):
    before = int(time.time())
    reply = invoke(submit_event())
    after = int(time.time())

    [item] = stack.items()
    assert item["request_id"] == reply.body["request_id"]
    assert item["status"] == "pending"
    assert item["attempts"] == 0
    assert before + DEFAULT_RESULT_TTL_SECONDS <= item["expires_at"]
    assert item["expires_at"] <= after + DEFAULT_RESULT_TTL_SECONDS
    assert item["created_at"].endswith("Z")


def test_submit_ttl_follows_result_ttl_seconds(stack, monkeypatch):
    monkeypatch.setenv("RESULT_TTL_SECONDS", "60")
    before = int(time.time())
    invoke(submit_event())

    [item] = stack.items()
    assert before + 60 <= item["expires_at"] <= int(time.time()) + 60


def test_submit_sends_one_v1_message_for_the_item(stack):
    reply = invoke(submit_event())

    [body] = stack.messages()
    message = parse_message(json.dumps(body))
    assert message.schema_version == MESSAGE_SCHEMA_VERSION
    assert message.request_id == reply.body["request_id"]
    assert message.text == "A warm, funny and moving film."
    assert message.threshold == 0.6
    assert message.submitted_at == stack.items()[0]["created_at"]


def test_submit_defaults_threshold_to_one_half(stack):
    invoke(submit_event({"text": "fine"}))

    [body] = stack.messages()
    assert body["threshold"] == 0.5


def test_submit_accepts_base64_encoded_body(stack):
    reply = invoke(submit_event(base64_bytes='{"text": "Dull plot. 🙄"}'.encode()))

    assert reply.status == 202
    [body] = stack.messages()
    assert body["text"] == "Dull plot. 🙄"


def test_submit_accepts_sample_base64_event(stack):
    from enqueue_calls import load_event

    reply = invoke(load_event("apigw_submit_base64.json"))

    assert reply.status == 202
    assert stack.messages()[0]["text"] == "Terrible pacing, dull plot."


def test_submit_accepts_text_of_1000_emoji(stack):
    reply = invoke(submit_event({"text": "😀" * 1000}))

    assert reply.status == 202


def test_each_submit_gets_its_own_request_id(stack):
    ids = {invoke(submit_event()).body["request_id"] for _ in range(3)}

    assert len(ids) == 3
    assert {item["request_id"] for item in stack.items()} == ids


# ---------------------------------------------------------------------------
# Refused bodies: 400 and 413, nothing stored or sent
# ---------------------------------------------------------------------------


def test_null_body_is_400_invalid_json(stack):
    event = submit_event()
    event["body"] = None

    assert_error(invoke(event), 400, "invalid_json")
    assert_nothing_stored(stack)


def test_missing_body_is_400_invalid_json(stack):
    event = submit_event()
    del event["body"]

    assert_error(invoke(event), 400, "invalid_json")


def test_malformed_json_is_400_with_position(stack):
    error = assert_error(invoke(submit_event(raw='{"text": "unterminated')), 400, "invalid_json")

    assert error["details"][0]["line"] == 1
    assert_nothing_stored(stack)


@pytest.mark.parametrize("body", ["[]", '"text"', "3", "null", "true"])
def test_non_object_body_is_400_invalid_body(stack, body):
    assert_error(invoke(submit_event(raw=body)), 400, "invalid_body")
    assert_nothing_stored(stack)


def test_unknown_fields_are_400_and_listed(stack):
    body = {"text": "ok", "model": "big", "temperature": 2}
    error = assert_error(invoke(submit_event(body)), 400, "validation_error")

    assert {"field": "model", "issue": "unknown field"} in error["details"]
    assert {"field": "temperature", "issue": "unknown field"} in error["details"]
    assert_nothing_stored(stack)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"text": 42}, "text"),
        ({"text": "ok", "threshold": True}, "threshold"),
        ({"text": "ok", "threshold": "0.5"}, "threshold"),
        ({"text": "ok", "threshold": 1.01}, "threshold"),
        ({"text": "ok", "threshold": -0.1}, "threshold"),
        ({"text": "ok", "threshold": None}, "threshold"),
    ],
)
def test_invalid_fields_are_400_validation_error(stack, body, field):
    error = assert_error(invoke(submit_event(body)), 400, "validation_error")

    assert [detail["field"] for detail in error["details"]] == [field]
    assert_nothing_stored(stack)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_numbers_are_400(stack, constant):
    raw = f'{{"text": "ok", "threshold": {constant}}}'

    assert_error(invoke(submit_event(raw=raw)), 400, "invalid_json")


def test_overflowing_number_is_400_not_infinity(stack):
    raw = '{"text": "ok", "threshold": 1e400}'

    assert_error(invoke(submit_event(raw=raw)), 400, "validation_error")


def test_invalid_utf8_body_is_400(stack):
    reply = invoke(submit_event(base64_bytes=b'{"text": "caf\xe9"}'))

    assert_error(reply, 400, "invalid_json")
    assert_nothing_stored(stack)


def test_lone_surrogate_escape_in_event_body_is_400(stack):
    assert_error(invoke(submit_event(raw='{"text": "\ud800"}')), 400, "invalid_json")


def test_invalid_base64_body_is_400(stack):
    event = submit_event()
    event["isBase64Encoded"] = True
    event["body"] = "not base64!"

    assert_error(invoke(event), 400, "invalid_body")


def test_duplicate_keys_are_400(stack):
    raw = '{"text": "good", "text": "bad"}'

    assert_error(invoke(submit_event(raw=raw)), 400, "invalid_json")


def test_deeply_nested_body_is_400_not_500(stack):
    raw = "[" * 8000 + "]" * 8000

    assert_error(invoke(submit_event(raw=raw)), 400, "invalid_json")


def test_body_over_max_body_bytes_is_413(stack):
    raw = json.dumps({"text": "ok"}) + " " * 16384

    error = assert_error(invoke(submit_event(raw=raw)), 413, "payload_too_large")

    assert error["details"] == [{"limit_bytes": 16384, "got_bytes": len(raw)}]
    assert_nothing_stored(stack)


def test_body_of_exactly_max_body_bytes_is_accepted(stack):
    text = json.dumps({"text": "😀" * 1000})
    raw = text + " " * (16384 - len(text.encode()))

    assert invoke(submit_event(raw=raw)).status == 202


def test_body_limit_counts_utf8_bytes_not_characters(stack, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "40")
    raw = json.dumps({"text": "é" * 14}, ensure_ascii=False)  # 26 characters, 40 bytes
    assert invoke(submit_event(raw=raw)).status == 202

    raw = json.dumps({"text": "é" * 15}, ensure_ascii=False)  # 27 characters, 42 bytes
    assert_error(invoke(submit_event(raw=raw)), 413, "payload_too_large")


def test_body_limit_applies_to_decoded_base64_bytes(stack, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "30")
    body = b'{"text": "abcdefghijklmn"}'  # 26 bytes, 36 once base64-encoded
    assert invoke(submit_event(base64_bytes=body)).status == 202

    body = b'{"text": "abcdefghijklmnopqrstuv"}'  # 34 bytes
    assert_error(invoke(submit_event(base64_bytes=body)), 413, "payload_too_large")


# ---------------------------------------------------------------------------
# Dependencies failing: 503, retryable, and no pending item without a message
# ---------------------------------------------------------------------------


def test_queue_missing_answers_503_and_marks_item_failed(stack, monkeypatch):
    monkeypatch.setenv("QUEUE_URL", stack.queue_url + "-does-not-exist")

    error = assert_error(invoke(submit_event()), 503, "service_unavailable")

    assert error["details"] == [{"dependency": "queue"}]
    [item] = stack.items()
    assert item["status"] == "failed"
    assert item["error"]["code"] == "enqueue_failed"
    assert item["completed_at"].endswith("Z")


def test_queue_throttled_answers_503_with_retry_after(stack):
    fail_calls("sqs", "SendMessage", "RequestThrottled")

    reply = invoke(submit_event())

    assert_error(reply, 503, "service_unavailable")
    assert int(reply.headers["Retry-After"]) >= 1
    assert [item["status"] for item in stack.items()] == ["failed"]


def test_send_delivered_despite_error_leaves_worker_progress_alone(stack):
    """A send whose response was lost may have reached the queue and a worker: compensation
    only fails an item that is still pending."""

    def deliver_then_fail(params, **_):
        request_id = json.loads(params["MessageBody"])["request_id"]
        stack.put_item(request_id=request_id, status="processing", attempts=1)
        raise ClientError(
            {"Error": {"Code": "InternalError", "Message": "response lost"}}, "SendMessage"
        )

    CLIENTS.client("sqs").meta.events.register(
        "before-parameter-build.sqs.SendMessage", deliver_then_fail
    )

    assert_error(invoke(submit_event()), 503, "service_unavailable")
    assert [item["status"] for item in stack.items()] == ["processing"]


def test_failed_compensation_is_logged_critical_with_request_id(stack, monkeypatch, log_lines):
    monkeypatch.setenv("QUEUE_URL", stack.queue_url + "-does-not-exist")
    fail_calls("dynamodb", "UpdateItem", "InternalServerError")

    reply = invoke(submit_event())

    assert_error(reply, 503, "service_unavailable")
    [item] = stack.items()
    [critical] = [line for line in log_lines() if line["level"] == "FATAL"]
    assert critical["request_id"] == item["request_id"]
    assert critical["compensation_error"] == "InternalServerError"
    # The id of a request that was never accepted is not handed to the client.
    assert item["request_id"] not in json.dumps(reply.body)


def test_table_missing_answers_503_and_sends_nothing(stack):
    stack.dynamodb.delete_table(TableName=stack.table_name)

    error = assert_error(invoke(submit_event()), 503, "service_unavailable")

    assert error["details"] == [{"dependency": "results_table"}]
    assert stack.messages() == []


def test_table_throttled_answers_503_and_sends_nothing(stack):
    failed_puts = fail_calls("dynamodb", "PutItem", "ProvisionedThroughputExceededException")

    reply = invoke(submit_event())

    assert_error(reply, 503, "service_unavailable")
    assert reply.headers["Retry-After"]
    assert failed_puts() == 1
    assert_nothing_stored(stack)
