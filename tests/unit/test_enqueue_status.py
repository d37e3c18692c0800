"""GET /status/{request_id}: every status, DynamoDB numbers as JSON numbers, expiry, missing path
parameters and a failing table (reference defects 3, 5 and 11)."""

from __future__ import annotations

import time

import pytest
from enqueue_calls import assert_error, fail_calls, invoke, status_event, submit_event

from asyncinfer_enqueue.settings import CLIENTS

REQUEST_ID = "9b2e7c1a-4d3f-4a8b-9c6d-1e2f3a4b5c6d"
FIELDS = {
    "request_id",
    "status",
    "result",
    "error",
    "created_at",
    "started_at",
    "completed_at",
    "attempts",
    "metrics",
}


def in_an_hour() -> int:
    return int(time.time()) + 3600


def seed(stack, **attributes) -> None:
    """Write the item of REQUEST_ID as the worker would, created at 21:00 and live for an hour."""
    defaults = {"created_at": "2026-11-27T21:00:00.000Z", "expires_at": in_an_hour()}
    stack.put_item(request_id=REQUEST_ID, **{**defaults, **attributes})


def test_status_of_a_fresh_submission_is_pending_with_nulls(stack):
    request_id = invoke(submit_event()).body["request_id"]

    reply = invoke(status_event(request_id))

    assert reply.status == 200
    assert set(reply.body) == FIELDS
    assert reply.body["request_id"] == request_id
    assert reply.body["status"] == "pending"
    assert reply.body["created_at"] == stack.items()[0]["created_at"]
    assert reply.body["attempts"] == 0
    for field in ("result", "error", "started_at", "completed_at", "metrics"):
        assert reply.body[field] is None


def test_status_of_processing_request(stack):
    seed(
        stack,
        status="processing",
        started_at="2026-11-27T21:00:01.250Z",
        attempts=1,
    )

    reply = invoke(status_event(REQUEST_ID))

    assert reply.status == 200
    assert reply.body["status"] == "processing"
    assert reply.body["started_at"] == "2026-11-27T21:00:01.250Z"
    assert reply.body["attempts"] == 1
    assert reply.body["result"] is None


def test_status_of_succeeded_request_serializes_decimals_as_numbers(stack):
    result = {
        "prediction": "positive",
        "confidence": 0.8731,
        "probabilities": {"negative": 0.1269, "positive": 0.8731},
        "threshold": 0.5,
        "model_version": "sentiment-0123456789ab",
    }
    seed(
        stack,
        status="succeeded",
        started_at="2026-11-27T21:00:01.250Z",
        completed_at="2026-11-27T21:00:01.300Z",
        attempts=1,
        result=result,
        metrics={"queue_ms": 1250, "inference_ms": 3.75},
    )

    reply = invoke(status_event(REQUEST_ID))

    assert reply.status == 200
    assert reply.body["status"] == "succeeded"
    assert reply.body["result"] == result
    assert reply.body["metrics"] == {"queue_ms": 1250, "inference_ms": 3.75}
    assert type(reply.body["metrics"]["queue_ms"]) is int
    assert type(reply.body["attempts"]) is int
    assert type(reply.body["result"]["confidence"]) is float
    assert reply.body["error"] is None


def test_status_of_failed_request_carries_its_error(stack):
    error = {"code": "invalid_input", "message": "text must be 1 to 1000 characters"}
    seed(
        stack,
        status="failed",
        completed_at="2026-11-27T21:00:02.000Z",
        attempts=1,
        error=error,
    )

    reply = invoke(status_event(REQUEST_ID))

    assert reply.status == 200
    assert reply.body["status"] == "failed"
    assert reply.body["error"] == error
    assert reply.body["result"] is None
    assert reply.body["completed_at"] == "2026-11-27T21:00:02.000Z"


def test_expired_item_not_yet_deleted_is_404(stack):
    seed(
        stack,
        status="succeeded",
        created_at="2026-11-25T21:00:00.000Z",
        expires_at=int(time.time()) - 1,
    )

    assert_error(invoke(status_event(REQUEST_ID)), 404, "request_not_found")


def test_unknown_request_id_is_404(stack):
    assert_error(invoke(status_event(REQUEST_ID)), 404, "request_not_found")


def test_status_reads_are_strongly_consistent(stack):
    seen = []
    CLIENTS.client("dynamodb").meta.events.register(
        "before-parameter-build.dynamodb.GetItem", lambda params, **_: seen.append(params)
    )

    invoke(status_event(REQUEST_ID))

    assert [params["ConsistentRead"] for params in seen] == [True]


def test_null_path_parameters_use_the_raw_path(stack):
    seed(stack, status="pending")

    reply = invoke(status_event(REQUEST_ID, sample="apigw_status_catch_all.json"))

    assert reply.status == 200
    assert reply.body["request_id"] == REQUEST_ID


def test_absent_path_parameters_use_the_raw_path(stack):
    seed(stack, status="pending")
    event = status_event(REQUEST_ID)
    del event["pathParameters"]

    assert invoke(event).status == 200


@pytest.mark.parametrize(
    "request_id",
    [
        "not-a-uuid",
        REQUEST_ID.upper(),
        "9b2e7c1a-4d3f-1a8b-9c6d-1e2f3a4b5c6d",  # a UUID1, never issued here
        REQUEST_ID + "0",
        "%27%20OR%201%3D1",
    ],
)
def test_malformed_request_id_is_400(stack, request_id):
    error = assert_error(invoke(status_event(request_id)), 400, "invalid_request_id")

    assert error["details"][0]["field"] == "request_id"


def test_table_missing_answers_503(stack):
    stack.dynamodb.delete_table(TableName=stack.table_name)

    reply = invoke(status_event(REQUEST_ID))

    assert_error(reply, 503, "service_unavailable")
    assert reply.headers["Retry-After"]


def test_table_throttled_answers_503(stack):
    fail_calls("dynamodb", "GetItem", "ThrottlingException")

    assert_error(invoke(status_event(REQUEST_ID)), 503, "service_unavailable")
