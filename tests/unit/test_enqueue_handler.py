"""The handler edge: one JSON access line per request, cold start, the catch-all 500 without a
traceback, and AWS clients made once, lazily, with tight timeouts."""

from __future__ import annotations

import importlib
import json

import boto3
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from enqueue_calls import assert_error, fail_calls, invoke, load_event, status_event, submit_event

from asyncinfer_enqueue.settings import CLIENTS

ACCESS_FIELDS = {"request_id", "route", "status_code", "duration_ms", "cold_start"}


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["message"] == "request"]


def test_each_request_logs_one_json_access_line(stack, log_lines):
    reply = invoke(submit_event())

    [line] = access_lines(log_lines())
    assert ACCESS_FIELDS <= set(line)
    assert line["request_id"] == reply.body["request_id"]
    assert line["route"] == "submit"
    assert line["status_code"] == 202
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_refused_request_logs_its_error_code(stack, log_lines):
    invoke(status_event("not-a-uuid"))

    [line] = access_lines(log_lines())
    assert line["route"] == "status"
    assert line["status_code"] == 400
    assert line["error_code"] == "invalid_request_id"


def test_unavailable_dependency_is_logged_with_its_reason(stack, log_lines):
    stack.dynamodb.delete_table(TableName=stack.table_name)

    invoke(submit_event())

    [line] = access_lines(log_lines())
    assert line["level"] == "ERROR"
    assert line["dependency"] == "results_table"
    assert line["reason"] == "ResourceNotFoundException"


def test_only_the_first_invocation_of_a_container_is_a_cold_start(stack, log_lines):
    handler_module = importlib.import_module("asyncinfer_enqueue.handler")
    importlib.reload(handler_module)  # a new container: the module is imported afresh

    invoke(load_event("apigw_health.json"))
    invoke(load_event("apigw_health.json"))

    assert [line["cold_start"] for line in access_lines(log_lines())] == [True, False]


def test_deployment_bug_is_json_500_without_traceback(stack, monkeypatch, log_lines):
    monkeypatch.delenv("RESULTS_TABLE")

    reply = invoke(submit_event())

    error = assert_error(reply, 500, "internal_error")
    assert "Traceback" not in json.dumps(reply.body)
    assert "RESULTS_TABLE" not in error["message"]
    [logged] = [line for line in log_lines() if line["message"] == "unhandled error"]
    assert (
        "SettingsError: Missing required environment variables: RESULTS_TABLE"
        in (logged["exception"])
    )


def test_unreachable_endpoint_answers_503(stack):
    fail_calls("dynamodb", "GetItem", EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))

    reply = invoke(status_event("9b2e7c1a-4d3f-4a8b-9c6d-1e2f3a4b5c6d"))

    assert_error(reply, 503, "service_unavailable")


def test_timed_out_send_answers_503_and_fails_the_item(stack):
    fail_calls("sqs", "SendMessage", ReadTimeoutError(endpoint_url=stack.queue_url))

    assert_error(invoke(submit_event()), 503, "service_unavailable")
    assert [item["status"] for item in stack.items()] == ["failed"]


def test_clients_are_created_once_per_container(stack):
    assert CLIENTS.client("dynamodb") is CLIENTS.client("dynamodb")
    assert CLIENTS.client("sqs") is not CLIENTS.client("dynamodb")


def test_clients_fail_fast(stack):
    config = CLIENTS.client("sqs").meta.config

    assert config.connect_timeout <= 2
    assert config.read_timeout <= 3
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}


def test_clients_honour_aws_endpoint_url(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    CLIENTS.reset()
    try:
        assert CLIENTS.client("sqs").meta.endpoint_url == "http://127.0.0.1:4566"
    finally:
        CLIENTS.reset()


def test_a_replaced_client_is_the_one_used(stack):
    """Tests (and the local stack) can hand the function their own client."""
    own = boto3.client("dynamodb", region_name="eu-west-1")
    CLIENTS.replace("dynamodb", own)
    failed_gets = fail_calls("dynamodb", "GetItem", "ThrottlingException")  # hooks `own` only

    invoke(status_event("9b2e7c1a-4d3f-4a8b-9c6d-1e2f3a4b5c6d"))

    assert CLIENTS.client("dynamodb") is own
    assert failed_gets() == 1
