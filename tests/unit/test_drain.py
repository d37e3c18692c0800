"""The dead-letter drain over moto: a dead-lettered request ends failed exactly once, a terminal
one is left alone, and only AWS errors are retried."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from test_enqueue_import import modules_after
from worker_doubles import (
    MAX_RECEIVE_COUNT,
    TABLE,
    before_update_item,
    failed_ids,
    held,
    logged_lines,
    message_ids,
    overwrite,
    sqs_event,
    stored,
    submitted,
)

from asyncinfer_shared.contract import Attr, ErrorCode, Status, utc_now_iso
from asyncinfer_worker.drain import handler
from asyncinfer_worker.settings import DrainSettings, SettingsError


@pytest.fixture
def drain_env(aws, monkeypatch):
    """The drain's environment as Terraform sets it: no MODEL_PATH, no DLQ_URL."""
    monkeypatch.setenv("RESULTS_TABLE", TABLE)
    monkeypatch.setenv("MAX_RECEIVE_COUNT", str(MAX_RECEIVE_COUNT))
    for name in ("MODEL_PATH", "DLQ_URL"):
        monkeypatch.delenv(name, raising=False)
    return aws


@pytest.fixture
def log_lines():
    """Every line the drain logs during the test, parsed."""
    with logged_lines("asyncinfer_worker.drain") as lines:
        yield lambda: [json.loads(line) for line in lines()]


def assert_failed_by_the_drain(item: dict) -> None:
    assert item[Attr.STATUS] == Status.FAILED
    assert item[Attr.ERROR]["code"] == ErrorCode.WORKER_STOPPED
    assert "crashed, timed out or failed to initialise" in item[Attr.ERROR]["message"]
    assert f"({MAX_RECEIVE_COUNT})" in item[Attr.ERROR]["message"]
    assert item[Attr.COMPLETED_AT]


# -- requests the worker never finished ----------------------------------------------------


def test_pending_request_is_failed(drain_env):
    message = submitted(drain_env.dynamodb, "good")

    response = handler(sqs_event(message, receive_count=1), None)

    assert response == {"batchItemFailures": []}
    assert_failed_by_the_drain(stored(drain_env.dynamodb, message.request_id))


def test_processing_request_whose_holder_is_gone_is_failed(drain_env):
    message = submitted(drain_env.dynamodb, "good")
    held(drain_env.dynamodb, message.request_id, -60_000, utc_now_iso())

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    item = stored(drain_env.dynamodb, message.request_id)
    assert_failed_by_the_drain(item)
    assert item[Attr.ATTEMPTS] == 1  # the drain fails it; it does not count as an attempt


def test_request_another_copy_still_holds_is_retried_not_failed(drain_env):
    """SQS can deliver a message twice: the copy that still runs may yet store a result."""
    message = submitted(drain_env.dynamodb, "good")
    held(drain_env.dynamodb, message.request_id, 60_000, utc_now_iso())
    before = stored(drain_env.dynamodb, message.request_id)
    event = sqs_event(message)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    assert stored(drain_env.dynamodb, message.request_id) == before


def test_held_request_is_failed_once_the_lease_ran_out(drain_env):
    message = submitted(drain_env.dynamodb, "good")
    held(drain_env.dynamodb, message.request_id, 60_000, utc_now_iso())
    handler(sqs_event(message), None)  # retried: the holder may still finish
    held(drain_env.dynamodb, message.request_id, -1, utc_now_iso())  # it did not: gone

    response = handler(sqs_event(message, receive_count=2), None)

    assert response == {"batchItemFailures": []}
    assert_failed_by_the_drain(stored(drain_env.dynamodb, message.request_id))


def test_every_request_of_a_batch_is_failed(drain_env):
    messages = [submitted(drain_env.dynamodb, text) for text in ("good", "bad", "neither")]

    assert handler(sqs_event(*messages), None) == {"batchItemFailures": []}

    for message in messages:
        assert_failed_by_the_drain(stored(drain_env.dynamodb, message.request_id))


def test_draining_the_same_message_again_changes_nothing(drain_env):
    message = submitted(drain_env.dynamodb, "good")
    handler(sqs_event(message), None)
    first = stored(drain_env.dynamodb, message.request_id)

    assert handler(sqs_event(message, receive_count=2), None) == {"batchItemFailures": []}

    assert stored(drain_env.dynamodb, message.request_id) == first


def test_poison_message_whose_request_is_still_live_fails_with_the_poison_code(drain_env):
    message = submitted(drain_env.dynamodb, "good")
    body = json.loads(message.to_json())
    body["schema_version"] = 99

    handler(sqs_event(json.dumps(body)), None)

    item = stored(drain_env.dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.FAILED
    assert item[Attr.ERROR]["code"] == ErrorCode.UNSUPPORTED_SCHEMA_VERSION


# -- requests that are already terminal ----------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [
        {
            Attr.STATUS: {"S": Status.SUCCEEDED.value},
            Attr.RESULT: {"M": {"prediction": {"S": "positive"}}},
        },
        {
            Attr.STATUS: {"S": Status.FAILED.value},
            Attr.ERROR: {
                "M": {
                    "code": {"S": ErrorCode.INFERENCE_FAILED.value},
                    "message": {"S": "caught on the last receive"},
                }
            },
        },
    ],
    ids=["succeeded", "failed"],
)
def test_terminal_request_is_left_alone(drain_env, outcome):
    message = submitted(drain_env.dynamodb, "good")
    overwrite(drain_env.dynamodb, message.request_id, {**outcome, Attr.COMPLETED_AT: {"S": "t"}})
    before = stored(drain_env.dynamodb, message.request_id)

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    assert stored(drain_env.dynamodb, message.request_id) == before


def test_poison_message_the_worker_already_failed_is_left_alone(drain_env):
    message = submitted(drain_env.dynamodb, "good")
    body = json.loads(message.to_json())
    del body["submitted_at"]
    overwrite(
        drain_env.dynamodb,
        message.request_id,
        {
            Attr.STATUS: {"S": Status.FAILED.value},
            Attr.ERROR: {"M": {"code": {"S": ErrorCode.MALFORMED_MESSAGE.value}}},
        },
    )
    before = stored(drain_env.dynamodb, message.request_id)

    assert handler(sqs_event(json.dumps(body)), None) == {"batchItemFailures": []}

    assert stored(drain_env.dynamodb, message.request_id) == before


def test_expired_request_is_not_revived(drain_env):
    message = submitted(drain_env.dynamodb, "good", expires_in_s=-10)

    assert handler(sqs_event(message), None) == {"batchItemFailures": []}

    assert stored(drain_env.dynamodb, message.request_id)[Attr.STATUS] == Status.PENDING


# -- messages with nothing to fail, and transient errors -----------------------------------


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"schema_version": 1}', ""])
def test_message_naming_no_request_is_acknowledged_without_a_write(drain_env, body, log_lines):
    writes = []
    before_update_item(lambda params, **_: writes.append(params))

    assert handler(sqs_event(body), None) == {"batchItemFailures": []}

    assert writes == []
    assert any(line["message"].startswith("dead letter names no request") for line in log_lines())


def test_transient_dynamodb_error_retries_only_that_message(drain_env):
    unlucky, lucky = (submitted(drain_env.dynamodb, text) for text in ("good", "bad"))

    def throttle_unlucky(params, **_):
        if params["Key"][Attr.REQUEST_ID]["S"] == unlucky.request_id:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "test"}},
                "UpdateItem",
            )

    before_update_item(throttle_unlucky)
    event = sqs_event(unlucky, lucky)

    response = handler(event, None)

    assert failed_ids(response) == [message_ids(event)[0]]
    assert stored(drain_env.dynamodb, unlucky.request_id)[Attr.STATUS] == Status.PENDING
    assert_failed_by_the_drain(stored(drain_env.dynamodb, lucky.request_id))


# -- logs, configuration and cold start ----------------------------------------------------


def test_logs_are_json_lines_with_the_request_id_and_a_batch_summary(drain_env, log_lines):
    failing, done = (submitted(drain_env.dynamodb, text) for text in ("good", "bad"))
    overwrite(drain_env.dynamodb, done.request_id, {Attr.STATUS: {"S": Status.SUCCEEDED.value}})

    handler(sqs_event(failing, done, "{not json"), None)

    lines = log_lines()
    failed_line = next(line for line in lines if line["message"] == "dead-lettered request failed")
    assert failed_line["request_id"] == failing.request_id
    assert failed_line["error_code"] == ErrorCode.WORKER_STOPPED
    summary = next(line for line in lines if line["message"] == "dead letters drained")
    assert summary["outcomes"] == {"failed": 1, "left_alone": 1, "no_request": 1}


def test_settings_need_the_results_table_and_no_model():
    assert DrainSettings.from_env({"RESULTS_TABLE": "t"}) == DrainSettings("t")
    with pytest.raises(SettingsError, match="RESULTS_TABLE"):
        DrainSettings.from_env({"MODEL_PATH": "/m.pt"})


def test_importing_the_drain_loads_no_torch_and_creates_no_client():
    assert modules_after("import asyncinfer_worker.drain", "asyncinfer_worker") == {
        "heavy": [],
        "clients": [],
    }


def test_heavy_import_check_catches_planted_torch():
    loaded = modules_after("import asyncinfer_worker.drain; import torch", "asyncinfer_worker")

    assert "torch" in loaded["heavy"]
