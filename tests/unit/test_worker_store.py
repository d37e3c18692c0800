"""Conditional status transitions of the results table (moto DynamoDB)."""

from decimal import Decimal

import pytest
from worker_doubles import TABLE, overwrite, stored, submitted

from asyncinfer_shared.contract import Attr, ErrorCode, Status, prediction_result, utc_now_iso
from asyncinfer_shared.results_table import ResultsTable, StartOutcome, epoch_ms, to_dynamodb


@pytest.fixture
def store(aws):
    return ResultsTable(aws.dynamodb, TABLE)


def test_start_moves_pending_to_processing_with_started_at_and_one_attempt(aws, store):
    message = submitted(aws.dynamodb, "good")
    now = utc_now_iso()

    start = store.start_processing(message.request_id, now)

    assert (start.outcome, start.started_at, start.attempts) == (StartOutcome.STARTED, now, 1)
    item = stored(aws.dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.PROCESSING
    assert (item[Attr.STARTED_AT], item[Attr.ATTEMPTS]) == (now, 1)


def test_start_holds_the_request_until_the_given_lease(aws, store):
    message = submitted(aws.dynamodb, "good")
    lease = epoch_ms() + 60_000

    start = store.start_processing(message.request_id, utc_now_iso(), lease)

    assert start.lease_expires_at == lease
    assert stored(aws.dynamodb, message.request_id)[Attr.LEASE_EXPIRES_AT] == lease


def test_start_is_refused_while_another_delivery_holds_a_live_lease(aws, store):
    message = submitted(aws.dynamodb, "good")
    lease = epoch_ms() + 60_000
    store.start_processing(message.request_id, utc_now_iso(), lease)
    before = stored(aws.dynamodb, message.request_id)

    copy = store.start_processing(message.request_id, utc_now_iso(), epoch_ms() + 90_000)

    assert (copy.outcome, copy.status, copy.lease_expires_at) == (
        StartOutcome.BUSY,
        Status.PROCESSING,
        lease,
    )
    assert stored(aws.dynamodb, message.request_id) == before


def test_restart_after_the_lease_expired_keeps_started_at_and_counts_the_attempt(aws, store):
    message = submitted(aws.dynamodb, "good")
    first = store.start_processing(message.request_id, "2026-11-27T21:00:00.000Z", epoch_ms() - 1)
    lease = epoch_ms() + 60_000

    again = store.start_processing(message.request_id, "2026-11-27T21:05:00.000Z", lease)

    assert again.outcome is StartOutcome.STARTED
    assert again.started_at == first.started_at == "2026-11-27T21:00:00.000Z"
    assert again.attempts == 2
    assert stored(aws.dynamodb, message.request_id)[Attr.LEASE_EXPIRES_AT] == lease


def test_processing_request_without_a_lease_can_be_started(aws, store):
    """Items started before leases existed, or whose lease was released."""
    message = submitted(aws.dynamodb, "good")
    overwrite(aws.dynamodb, message.request_id, {Attr.STATUS: {"S": Status.PROCESSING.value}})

    start = store.start_processing(message.request_id, utc_now_iso(), epoch_ms() + 60_000)

    assert start.outcome is StartOutcome.STARTED


def test_released_lease_lets_the_retry_start_at_once(aws, store):
    message = submitted(aws.dynamodb, "good")
    lease = epoch_ms() + 60_000
    store.start_processing(message.request_id, utc_now_iso(), lease)

    assert store.release(message.request_id, lease)

    assert Attr.LEASE_EXPIRES_AT not in stored(aws.dynamodb, message.request_id)
    retry = store.start_processing(message.request_id, utc_now_iso(), epoch_ms() + 60_000)
    assert (retry.outcome, retry.attempts) == (StartOutcome.STARTED, 2)


def test_release_leaves_a_lease_that_is_not_ours(aws, store):
    message = submitted(aws.dynamodb, "good")
    theirs = epoch_ms() + 60_000
    store.start_processing(message.request_id, utc_now_iso(), theirs)

    assert not store.release(message.request_id, theirs - 1)

    assert stored(aws.dynamodb, message.request_id)[Attr.LEASE_EXPIRES_AT] == theirs


def test_held_request_past_its_ttl_is_gone_not_busy(aws, store):
    message = submitted(aws.dynamodb, "good")
    store.start_processing(message.request_id, utc_now_iso(), epoch_ms() + 60_000)
    overwrite(aws.dynamodb, message.request_id, {Attr.EXPIRES_AT: {"N": "1"}})

    start = store.start_processing(message.request_id, utc_now_iso(), epoch_ms() + 60_000)

    assert (start.outcome, start.status) == (StartOutcome.GONE, Status.PROCESSING)


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
