"""What the enqueue function's unit tests call directly: the real-shaped API Gateway v2 sample
events in tests/events/, loaded and adjusted per test; the handler invoked on them and its reply
checked; the handler's AWS calls made to fail as AWS or the network would.

The fixtures (`stack`: the moto account the handler runs against; `log_lines`) are in
conftest.py.
"""

from __future__ import annotations

import base64
import copy
import json
import pathlib
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from botocore.exceptions import ClientError

from asyncinfer_enqueue.handler import handler
from asyncinfer_enqueue.settings import CLIENTS

EVENTS = pathlib.Path(__file__).resolve().parent.parent / "events"
SAMPLE_REQUEST_ID = "3f0c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c"  # the id inside the status events


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
# Failing AWS calls
# ---------------------------------------------------------------------------


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

    CLIENTS.client(service).meta.events.register(f"before-call.{service}.{operation}", raise_error)
    return lambda: calls
