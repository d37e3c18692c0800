"""The worker handler end to end over moto: batching, idempotency, poison messages, retries."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError
from worker_doubles import (
    EVENTS,
    EXPLODE,
    MAX_RECEIVE_COUNT,
    TABLE,
    another_delivery_succeeds_first,
    before_update_item,
    dead_letters,
    failed_ids,
    forwards_made,
    is_success_write,
    message_ids,
    overwrite,
    redelivery_probe,
    sqs_event,
    status_after_last_receive_failure,
    stored,
    submitted,
    tiny_module,
    tiny_probabilities,
)

from asyncinfer_shared.contract import Attr, ErrorCode, Status, parse_iso
from asyncinfer_worker.handler import handler
from asyncinfer_worker.model_holder import holder_for


def expected_version(path) -> str:
    return f"{path.stem}-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def fail_update_item(when, code="ProvisionedThroughputExceededException"):
    """Make the worker's DynamoDB client raise `code` on UpdateItem calls matching `when`."""

    def hook(params, **_):
        if when(params):
            raise ClientError(
                {"Error": {"Code": code, "Message": "induced by the test"}}, "UpdateItem"
            )

    before_update_item(hook)


# -- the happy path ------------------------------------------------------------------------


@pytest.mark.parametrize("io_concurrency", ["1", "10"])
def test_valid_batch_succeeds_with_one_model_call(worker_env, monkeypatch, io_concurrency):
    monkeypatch.setenv("IO_CONCURRENCY", io_concurrency)
    dynamodb = worker_env.aws.dynamodb
    texts = ["good good fun", "bad and bad", "neither", "good", "bad"]
    messages = [submitted(dynamodb, text, threshold=0.6) for text in texts]
    module = tiny_module(worker_env.model_path)
    responses = []

    forwards = forwards_made(module, lambda: responses.append(handler(sqs_event(*messages), None)))

    assert responses == [{"batchItemFailures": []}]
    assert forwards == [len(texts)]
    for message in messages:
        item = stored(dynamodb, message.request_id)
        p_negative, p_positive = tiny_probabilities(message.text)
        result = item[Attr.RESULT]
        assert item[Attr.STATUS] == Status.SUCCEEDED
        assert float(result["probabilities"]["positive"]) == pytest.approx(p_positive, abs=1e-6)
        assert float(result["probabilities"]["negative"]) == pytest.approx(p_negative, abs=1e-6)
        assert result["prediction"] == ("positive" if p_positive > 0.6 else "negative")
        assert result["model_version"] == expected_version(worker_env.model_path)
        assert Attr.ERROR not in item


def test_real_model_batch_matches_the_model_run_directly(worker_env, real_model_path, monkeypatch):
    import torch

    monkeypatch.setenv("MODEL_PATH", str(real_model_path))
    dynamodb = worker_env.aws.dynamodb
    texts = ["A moving, beautifully acted film.", "Tedious, clumsy and far too long.", "ok"]
    messages = [submitted(dynamodb, text) for text in texts]

    response = handler(sqs_event(*messages), None)

    assert response == {"batchItemFailures": []}
    direct = torch.jit.load(str(real_model_path))(texts).tolist()
    for message, (p_negative, p_positive) in zip(messages, direct, strict=True):
        result = stored(dynamodb, message.request_id)[Attr.RESULT]
        assert float(result["probabilities"]["negative"]) == pytest.approx(p_negative, abs=1e-5)
        assert float(result["probabilities"]["positive"]) == pytest.approx(p_positive, abs=1e-5)
        assert result["model_version"] == expected_version(real_model_path)


def test_transitions_record_started_at_attempts_completed_at_and_metrics(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good", submitted_ago_s=2.5)

    handler(sqs_event(message), None)

    item = stored(dynamodb, message.request_id)
    started, completed = parse_iso(item[Attr.STARTED_AT]), parse_iso(item[Attr.COMPLETED_AT])
    submitted_at = parse_iso(message.submitted_at)
    assert submitted_at < started <= completed
    assert item[Attr.ATTEMPTS] == 1
    queue_ms = (started - submitted_at).total_seconds() * 1000
    assert float(item[Attr.METRICS]["queue_ms"]) == pytest.approx(queue_ms, abs=1.0)
    assert float(item[Attr.METRICS]["queue_ms"]) >= 2500
    assert float(item[Attr.METRICS]["inference_ms"]) > 0


def test_retry_keeps_the_first_started_at_and_counts_attempts(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    first_write = {"left": 1}

    def first_success_write_only(params):
        if is_success_write(params) and first_write["left"]:
            first_write["left"] -= 1
            return True
        return False

    fail_update_item(first_success_write_only)
    first = handler(sqs_event(message, receive_count=1), None)
    started_first = stored(dynamodb, message.request_id)[Attr.STARTED_AT]
    second = handler(sqs_event(message, receive_count=2), None)

    assert failed_ids(first) and not failed_ids(second)
    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.SUCCEEDED
    assert item[Attr.ATTEMPTS] == 2
    assert item[Attr.STARTED_AT] == started_first


# -- idempotency ---------------------------------------------------------------------------


def test_redelivered_message_does_not_rerun_inference_or_overwrite(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good fun")
    module = tiny_module(worker_env.model_path)

    forwards, finished, after = redelivery_probe(handler, module, dynamodb, message)

    assert forwards == []
    assert after == finished
    assert finished[Attr.STATUS] == Status.SUCCEEDED


def test_redelivered_message_of_a_failed_request_stays_failed(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    error = {"code": "inference_failed", "message": "an earlier delivery gave up"}
    overwrite(
        dynamodb,
        message.request_id,
        {
            Attr.STATUS: {"S": Status.FAILED.value},
            Attr.ERROR: {"M": {key: {"S": value} for key, value in error.items()}},
        },
    )
    before = stored(dynamodb, message.request_id)

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    assert stored(dynamodb, message.request_id) == before
    assert tiny_module(worker_env.model_path).calls == 3  # the warm-up forwards only


def test_delivery_that_loses_the_race_does_not_overwrite_the_winner(worker_env):
    """Another delivery finishes the request between our start and our final write."""
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    winner = another_delivery_succeeds_first(dynamodb, message.request_id, "other-delivery")

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    assert stored(dynamodb, message.request_id)[Attr.RESULT] == winner


def test_message_without_a_live_item_is_acked_without_inference(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    dynamodb.delete_item(TableName=TABLE, Key={Attr.REQUEST_ID: {"S": message.request_id}})

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    assert stored(dynamodb, message.request_id) is None  # not resurrected by an update
    assert tiny_module(worker_env.model_path).calls == 3  # the warm-up forwards only


def test_item_past_its_ttl_counts_as_gone(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good", expires_in_s=-60)

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    assert stored(dynamodb, message.request_id)[Attr.STATUS] == Status.PENDING


# -- poison messages -----------------------------------------------------------------------

REQUEST_ID = "6a1f0e3c-2b4d-4e5f-8a9b-0c1d2e3f4a5b"
POISON = {
    "not_json": ("{this is not json", ErrorCode.MALFORMED_MESSAGE, False),
    "not_an_object": ("[1, 2, 3]", ErrorCode.MALFORMED_MESSAGE, False),
    "no_submitted_at": (
        json.dumps({"schema_version": 1, "request_id": REQUEST_ID, "text": "good"}),
        ErrorCode.MALFORMED_MESSAGE,
        True,
    ),
    "unknown_schema_version": (
        json.dumps(
            {
                "schema_version": 99,
                "request_id": REQUEST_ID,
                "text": "good",
                "submitted_at": "2026-11-27T21:40:00.000Z",
            }
        ),
        ErrorCode.UNSUPPORTED_SCHEMA_VERSION,
        True,
    ),
    "missing_request_id": (
        json.dumps({"schema_version": 1, "text": "good", "submitted_at": "2026-11-27T21:40:00Z"}),
        ErrorCode.MISSING_REQUEST_ID,
        False,
    ),
    "empty_text": (
        json.dumps(
            {
                "schema_version": 1,
                "request_id": REQUEST_ID,
                "text": "",
                "submitted_at": "2026-11-27T21:40:00.000Z",
            }
        ),
        ErrorCode.INVALID_INPUT,
        True,
    ),
    "threshold_out_of_range": (
        json.dumps(
            {
                "schema_version": 1,
                "request_id": REQUEST_ID,
                "text": "good",
                "threshold": 2,
                "submitted_at": "2026-11-27T21:40:00.000Z",
            }
        ),
        ErrorCode.INVALID_INPUT,
        True,
    ),
}


def pending_item(dynamodb, request_id: str) -> None:
    dynamodb.put_item(
        TableName=TABLE,
        Item={Attr.REQUEST_ID: {"S": request_id}, Attr.STATUS: {"S": Status.PENDING.value}},
    )


@pytest.mark.parametrize("kind", sorted(POISON))
def test_poison_message_fails_its_request_goes_to_dlq_and_is_not_retried(worker_env, kind):
    body, code, has_request_id = POISON[kind]
    aws = worker_env.aws
    pending_item(aws.dynamodb, REQUEST_ID)
    healthy = submitted(aws.dynamodb, "good")
    event = sqs_event(body, healthy)
    poison_id = message_ids(event)[0]

    response = handler(event, None)

    assert response == {"batchItemFailures": []}
    assert stored(aws.dynamodb, healthy.request_id)[Attr.STATUS] == Status.SUCCEEDED
    item = stored(aws.dynamodb, REQUEST_ID)
    if has_request_id:
        assert item[Attr.STATUS] == Status.FAILED
        assert item[Attr.ERROR]["code"] == code
        assert item[Attr.COMPLETED_AT]
    else:
        assert item[Attr.STATUS] == Status.PENDING  # nothing names it: left alone
    (forwarded,) = dead_letters(aws.sqs, aws.dlq_url)
    assert forwarded["Body"] == body
    attributes = forwarded["MessageAttributes"]
    assert attributes["error_code"]["StringValue"] == code
    assert attributes["source_message_id"]["StringValue"] == poison_id


def test_poison_message_is_retried_when_the_dlq_forward_fails(worker_env, monkeypatch):
    aws = worker_env.aws
    monkeypatch.setenv("DLQ_URL", aws.dlq_url.replace("asyncinfer-test-dlq", "no-such-queue"))
    pending_item(aws.dynamodb, REQUEST_ID)
    body, code, _ = POISON["empty_text"]
    healthy = submitted(aws.dynamodb, "good")
    event = sqs_event(body, healthy)

    response = handler(event, None)

    assert failed_ids(response) == [message_ids(event)[0]]
    assert stored(aws.dynamodb, REQUEST_ID)[Attr.ERROR]["code"] == code
    assert stored(aws.dynamodb, healthy.request_id)[Attr.STATUS] == Status.SUCCEEDED


def test_poison_message_is_retried_when_its_request_cannot_be_marked_failed(worker_env):
    aws = worker_env.aws
    pending_item(aws.dynamodb, REQUEST_ID)
    fail_update_item(lambda params: ":failed" in params["UpdateExpression"])
    event = sqs_event(POISON["empty_text"][0])

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    assert dead_letters(aws.sqs, aws.dlq_url) == []  # forwarded only once the request is failed
    assert stored(aws.dynamodb, REQUEST_ID)[Attr.STATUS] == Status.PENDING


# -- transient failures --------------------------------------------------------------------


def test_model_failure_is_retried_and_leaves_the_request_processing(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, f"good {EXPLODE}")
    event = sqs_event(message, receive_count=1)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.PROCESSING
    assert item[Attr.ATTEMPTS] == 1


def test_request_is_failed_when_its_last_receive_fails(worker_env):
    assert status_after_last_receive_failure(handler, worker_env.aws.dynamodb) == Status.FAILED


def test_model_failure_on_the_last_receive_marks_the_request_failed(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, f"good {EXPLODE}")
    event = sqs_event(message, receive_count=MAX_RECEIVE_COUNT)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)  # SQS redrives it to the DLQ
    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.FAILED
    assert item[Attr.ERROR]["code"] == ErrorCode.INFERENCE_FAILED
    assert "tiny model refuses this text" in item[Attr.ERROR]["message"]
    assert f"receive {MAX_RECEIVE_COUNT} of {MAX_RECEIVE_COUNT}" in item[Attr.ERROR]["message"]
    assert item[Attr.COMPLETED_AT]


def test_one_bad_input_is_isolated_from_the_rest_of_its_batch(worker_env):
    dynamodb = worker_env.aws.dynamodb
    good = [submitted(dynamodb, text) for text in ("good", "bad", "good good")]
    bad = submitted(dynamodb, f"bad {EXPLODE}")
    event = sqs_event(good[0], bad, good[1], good[2])
    module = tiny_module(worker_env.model_path)
    sizes_before = len(module.batch_sizes)

    response = handler(event, None)

    assert failed_ids(response) == [message_ids(event)[1]]
    assert module.batch_sizes[sizes_before:] == [4, 1, 1, 1, 1]  # batched, then one by one
    for message in good:
        item = stored(dynamodb, message.request_id)
        assert item[Attr.STATUS] == Status.SUCCEEDED
        expected = tiny_probabilities(message.text)[1]
        assert float(item[Attr.RESULT]["probabilities"]["positive"]) == pytest.approx(expected)
    assert stored(dynamodb, bad.request_id)[Attr.STATUS] == Status.PROCESSING


def test_result_write_failure_is_retried(worker_env):
    dynamodb = worker_env.aws.dynamodb
    messages = [submitted(dynamodb, "good"), submitted(dynamodb, "bad")]
    fail_update_item(
        lambda params: is_success_write(params) and messages[0].request_id in str(params)
    )
    event = sqs_event(*messages)

    response = handler(event, None)

    assert failed_ids(response) == [message_ids(event)[0]]
    assert stored(dynamodb, messages[0].request_id)[Attr.STATUS] == Status.PROCESSING
    assert stored(dynamodb, messages[1].request_id)[Attr.STATUS] == Status.SUCCEEDED


def test_result_write_failure_on_the_last_receive_marks_the_request_failed(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    fail_update_item(is_success_write)
    event = sqs_event(message, receive_count=MAX_RECEIVE_COUNT)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    item = stored(dynamodb, message.request_id)
    assert item[Attr.STATUS] == Status.FAILED
    assert item[Attr.ERROR]["code"] == ErrorCode.RETRIES_EXHAUSTED
    assert "ProvisionedThroughputExceededException" in item[Attr.ERROR]["message"]


def test_start_write_failure_is_retried_without_inference(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    fail_update_item(lambda params: ":processing" in params["UpdateExpression"])
    event = sqs_event(message)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    assert stored(dynamodb, message.request_id)[Attr.STATUS] == Status.PENDING
    assert not holder_for(str(worker_env.model_path)).is_loaded


def test_unloadable_model_retries_every_message(worker_env, monkeypatch, tmp_path):
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "missing.pt"))
    dynamodb = worker_env.aws.dynamodb
    messages = [submitted(dynamodb, "good"), submitted(dynamodb, "bad")]
    event = sqs_event(*messages)

    response = handler(event, None)

    assert failed_ids(response) == message_ids(event)
    for message in messages:
        assert stored(dynamodb, message.request_id)[Attr.STATUS] == Status.PROCESSING


# -- other events --------------------------------------------------------------------------


def test_empty_batch_reports_no_failures_and_loads_no_model(worker_env):
    assert handler({"Records": []}, None) == {"batchItemFailures": []}
    assert not holder_for(str(worker_env.model_path)).is_loaded


def test_warm_up_event_loads_the_model_and_touches_no_request(worker_env):
    aws = worker_env.aws
    message = submitted(aws.dynamodb, "good")
    before = stored(aws.dynamodb, message.request_id)
    event = json.loads((EVENTS / "eventbridge_warmup.json").read_text())

    response = handler(event, None)

    assert response == {"warmed": True, "model_version": expected_version(worker_env.model_path)}
    assert holder_for(str(worker_env.model_path)).is_loaded
    assert stored(aws.dynamodb, message.request_id) == before
    assert dead_letters(aws.sqs, aws.dlq_url) == []


def test_s3_model_path_is_downloaded_and_loaded(worker_env, monkeypatch):
    aws = worker_env.aws
    aws.s3.create_bucket(
        Bucket="asyncinfer-test-models",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    aws.s3.upload_file(str(worker_env.model_path), "asyncinfer-test-models", "v1/tiny-s3.pt")
    monkeypatch.setenv("MODEL_PATH", "s3://asyncinfer-test-models/v1/tiny-s3.pt")
    message = submitted(aws.dynamodb, "good")

    response = handler(sqs_event(message), None)

    assert response == {"batchItemFailures": []}
    digest = hashlib.sha256(worker_env.model_path.read_bytes()).hexdigest()[:12]
    result = stored(aws.dynamodb, message.request_id)[Attr.RESULT]
    assert result["model_version"] == f"tiny-s3-{digest}"


def test_timestamps_are_iso_utc(worker_env):
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good")
    handler(sqs_event(message), None)
    item = stored(dynamodb, message.request_id)
    for attribute in (Attr.STARTED_AT, Attr.COMPLETED_AT):
        assert item[attribute].endswith("Z")
        assert (
            datetime.fromisoformat(item[attribute].replace("Z", "+00:00")).utcoffset() is not None
        )
