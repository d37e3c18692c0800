"""Conditional status transitions of the results table (moto DynamoDB)."""
# ruff: noqa: F811 - the fixtures imported from test_worker_kit are used as test parameters

from decimal import Decimal

import pytest
from test_worker_kit import TABLE, aws, stored, submitted  # noqa: F401 - aws is a fixture

from asyncinfer_shared.contract import Attr, ErrorCode, Status, prediction_result, utc_now_iso
from asyncinfer_worker.results_store import ResultsStore, StartOutcome, to_dynamodb


@pytest.fixture
def store(aws):
    return ResultsStore(TABLE, aws.dynamodb)


def test_start_moves_pending_to_processing_with_started_at_and_one_attempt(aws, store):
    message = submitted(aws.dynamodb, "good")
    now = utc_now_iso()

    start = store.start_processing(message.request_id, now)

    assert (start.outcome, start.started_at, start.attempts) == (StartOutcome.STARTED, now, 1)
    item = stored(aws.dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.PROCESSING
    assert (item[Attr.STARTED_AT], item[Attr.ATTEMPTS]) == (now, 1)


def test_restart_keeps_started_at_and_counts_the_attempt(aws, store):
    message = submitted(aws.dynamodb, "good")
    first = store.start_processing(message.request_id, "2026-11-27T21:00:00.000Z")

    again = store.start_processing(message.request_id, "2026-11-27T21:05:00.000Z")

    assert again.outcome is StartOutcome.STARTED
    assert again.started_at == first.started_at == "2026-11-27T21:00:00.000Z"
    assert again.attempts == 2


@pytest.mark.parametrize("terminal", [Status.SUCCEEDED, Status.FAILED])
def test_terminal_request_is_not_started_again(aws, store, terminal):
    message = submitted(aws.dynamodb, "good")
    store.start_processing(message.request_id, utc_now_iso())
    if terminal is Status.SUCCEEDED:
        store.mark_succeeded(message.request_id, {"prediction": "positive"}, {}, utc_now_iso())
    else:
        store.mark_failed(message.request_id, ErrorCode.INFERENCE_FAILED, "x", utc_now_iso())
    before = stored(aws.dynamodb, message.request_id)

    start = store.start_processing(message.request_id, utc_now_iso())

    assert (start.outcome, start.status) == (StartOutcome.ALREADY_TERMINAL, terminal)
    assert stored(aws.dynamodb, message.request_id) == before


def test_missing_request_is_gone_and_not_created(aws, store):
    request_id = "0b7c7a52-9d4e-4f3a-8b2c-1d2e3f4a5b6c"
    assert store.start_processing(request_id, utc_now_iso()).outcome is StartOutcome.GONE
    assert not store.mark_failed(request_id, ErrorCode.INVALID_INPUT, "x", utc_now_iso())
    assert stored(aws.dynamodb, request_id) is None


def test_expired_request_is_gone(aws, store):
    message = submitted(aws.dynamodb, "good", expires_in_s=-1)
    start = store.start_processing(message.request_id, utc_now_iso())
    assert (start.outcome, start.status) == (StartOutcome.GONE, Status.PENDING)


def test_success_is_stored_only_from_processing(aws, store):
    message = submitted(aws.dynamodb, "good")
    result = prediction_result(0.25, 0.75, 0.5, "tiny-0123456789ab")

    assert not store.mark_succeeded(message.request_id, result, {}, utc_now_iso())
    store.start_processing(message.request_id, utc_now_iso())
    assert store.mark_succeeded(message.request_id, result, {"inference_ms": 1.5}, utc_now_iso())

    item = stored(aws.dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.SUCCEEDED
    assert item[Attr.RESULT]["probabilities"] == {
        "negative": Decimal("0.25"),
        "positive": Decimal("0.75"),
    }
    assert item[Attr.METRICS] == {"inference_ms": Decimal("1.5")}


def test_failure_never_overwrites_a_success(aws, store):
    message = submitted(aws.dynamodb, "good")
    store.start_processing(message.request_id, utc_now_iso())
    store.mark_succeeded(message.request_id, {"prediction": "positive"}, {}, utc_now_iso())

    assert not store.mark_failed(message.request_id, ErrorCode.INFERENCE_FAILED, "x", utc_now_iso())
    assert stored(aws.dynamodb, message.request_id)[Attr.STATUS] == Status.SUCCEEDED


def test_failure_records_code_message_and_completed_at(aws, store):
    message = submitted(aws.dynamodb, "good")
    now = utc_now_iso()
    assert store.mark_failed(message.request_id, ErrorCode.INVALID_INPUT, "text is empty", now)
    item = stored(aws.dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.FAILED
    assert item[Attr.ERROR] == {"code": "invalid_input", "message": "text is empty"}
    assert item[Attr.COMPLETED_AT] == now


def test_floats_become_exact_decimals():
    assert to_dynamodb({"p": [0.1, 0.7310585975646973], "n": 3, "s": "x"}) == {
        "p": [Decimal("0.1"), Decimal("0.7310585975646973")],
        "n": 3,
        "s": "x",
    }
