"""Shared set-up for the enqueue function's unit tests (no tests here).

`enqueue_stack` gives each test a moto in-process account with the results table and the work
queue, the handler's environment pointing at them, and fresh handler clients. Events are the
real-shaped API Gateway v2 samples in tests/events/, loaded and then adjusted per test.
Test modules import the fixtures they use: `from test_enqueue_support import stack_fixture`.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import logging
import pathlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from asyncinfer_enqueue import aws_clients
from asyncinfer_enqueue.handler import handler
from asyncinfer_shared.contract import Attr
from asyncinfer_shared.jsonlog import JsonFormatter

EVENTS = pathlib.Path(__file__).resolve().parent.parent / "events"
REGION = "eu-west-1"
TABLE_NAME = "asyncinfer-test-results"
QUEUE_NAME = "asyncinfer-test-work"
SAMPLE_REQUEST_ID = "3f0c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c"  # the id inside the status events
ENQUEUE_LOGGERS = ("asyncinfer.enqueue", "asyncinfer.enqueue.submit")


# ---------------------------------------------------------------------------
# Events and invocation
# ---------------------------------------------------------------------------


def load_event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def submit_event(body: Any = None, *, raw: str | None = None, base64_bytes: bytes | None = None):
    """The sample POST /predict event with `body` (JSON-encoded), a `raw` body string, or a
    base64-encoded body; with none of them, the sample's own body."""
    event = load_event("apigw_submit.json")
    if body is not None:
        event["body"] = json.dumps(body)
    if raw is not None:
        event["body"] = raw
    if base64_bytes is not None:
        event["body"] = base64.b64encode(base64_bytes).decode("ascii")
        event["isBase64Encoded"] = True
    return event


def event_for(method: str, path: str, sample: str = "apigw_status_catch_all.json") -> dict:
    """A sample event re-aimed at `method path`, as a catch-all ($default) route delivers it."""
    event = copy.deepcopy(load_event(sample))
    event["routeKey"] = "$default"
    event["rawPath"] = path
    event["requestContext"]["routeKey"] = "$default"
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["http"]["path"] = path
    event["pathParameters"] = None
    return event


def status_event(request_id: str, sample: str = "apigw_status.json") -> dict:
    event = load_event(sample)
    path = event["rawPath"].replace(SAMPLE_REQUEST_ID, request_id)
    event["rawPath"] = path
    event["requestContext"]["http"]["path"] = path
    if event.get("pathParameters"):
        event["pathParameters"]["request_id"] = request_id
    return event


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def invoke(event: Any) -> Reply:
    context = SimpleNamespace(aws_request_id="7e57c0de-0000-4000-8000-000000000001")
    response = handler(event, context)
    assert response["isBase64Encoded"] is False
    assert response["headers"]["Content-Type"] == "application/json"
    return Reply(response["statusCode"], response["headers"], json.loads(response["body"]))


def assert_error(reply: Reply, status: int, code: str) -> dict:
    """The reply is the documented error shape with this status and code; returns the error."""
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error"}
    error = reply.body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


# ---------------------------------------------------------------------------
# The moto account
# ---------------------------------------------------------------------------


@dataclass
class Stack:
    dynamodb: Any  # the test's own clients, for seeding and inspecting
    sqs: Any
    table_name: str
    queue_url: str

    def items(self) -> list[dict]:
        table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
        return table.scan(ConsistentRead=True)["Items"]

    def put_item(self, **attributes: Any) -> None:
        """Write an item as the worker would (numbers as Decimal)."""
        table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
        table.put_item(Item=json.loads(json.dumps(attributes), parse_float=Decimal))

    def messages(self) -> list[dict]:
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        return [json.loads(message["Body"]) for message in received.get("Messages", [])]


@pytest.fixture(name="stack")
def stack_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MAX_BODY_BYTES", "RESULT_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        aws_clients.reset()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE_NAME,
            AttributeDefinitions=[{"AttributeName": Attr.REQUEST_ID, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": Attr.REQUEST_ID, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        monkeypatch.setenv("RESULTS_TABLE", TABLE_NAME)
        monkeypatch.setenv("QUEUE_URL", queue_url)
        yield Stack(dynamodb, sqs, TABLE_NAME, queue_url)
        aws_clients.reset()


def fail_calls(service: str, operation: str, error: str | Exception) -> Callable[[], int]:
    """Make the handler's `service` client fail `operation` as AWS or the network would: a
    ClientError with the error code `error`, or the exception `error` itself. Returns a
    function counting the failed calls."""
    calls = 0

    def raise_error(**_: Any) -> None:
        nonlocal calls
        calls += 1
        if isinstance(error, Exception):
            raise error
        raise ClientError({"Error": {"Code": error, "Message": f"injected {error}"}}, operation)

    aws_clients.client(service).meta.events.register(
        f"before-call.{service}.{operation}", raise_error
    )
    return lambda: calls


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------


@pytest.fixture(name="log_lines")
def log_lines_fixture() -> Iterator[Callable[[], list[dict]]]:
    """Every JSON line the enqueue function logs during the test, parsed."""
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ENQUEUE_LOGGERS]
    for logger in loggers:
        logger.addHandler(capture)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(capture)
