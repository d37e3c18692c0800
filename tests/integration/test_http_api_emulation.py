"""The API Gateway v2 emulation over real HTTP, with recording handlers in place of the enqueue
function: the event the function gets and the response the client gets back."""

from __future__ import annotations

import base64
import json
import pathlib
import socket
import urllib.request

import hcl2
import pytest

from asyncinfer_enqueue.routes import GATEWAY_ROUTE_KEYS
from asyncinfer_local.client import ApiClient
from asyncinfer_local.http_api import MAX_REQUEST_BYTES, HttpApi
from asyncinfer_local.lambda_runtime import FunctionConfig

REPO = pathlib.Path(__file__).resolve().parents[2]
FUNCTION = FunctionConfig(
    "emulation-test", timeout_seconds=10, memory_size_mb=128, region="eu-west-1"
)


class Recorder:
    """A handler that records its events and answers with whatever `answer` returns."""

    def __init__(self):
        self.events: list[dict] = []
        self.contexts: list = []
        self.answer = lambda event: {"statusCode": 200, "body": "ok"}

    def __call__(self, event, context):
        self.events.append(event)
        self.contexts.append(context)
        return self.answer(event)


def raw_connection(client: ApiClient) -> socket.socket:
    """A bare socket to the API, for requests urllib will not send."""
    host, port = client.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def client(recorder):
    api = HttpApi(recorder, FUNCTION, port=0, access_log=None)
    api.start()
    yield ApiClient(api.url)
    api.stop()


def test_request_becomes_a_payload_2_event(client, recorder):
    client.call(
        "POST",
        "/predict?b=2&a=1&a=x%20y",
        b'{"text": "hi"}',
        {
            "Content-Type": "application/json",
            "X-Custom": "one",
            "Cookie": "session=abc; theme=dark",
            "User-Agent": "emulation-test",
        },
    )
    event = recorder.events[-1]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /predict"
    assert event["rawPath"] == "/predict"
    assert event["rawQueryString"] == "b=2&a=1&a=x%20y"
    assert event["queryStringParameters"] == {"a": "1,x y", "b": "2"}
    assert event["headers"]["content-type"] == "application/json"
    assert event["headers"]["x-custom"] == "one"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["body"] == '{"text": "hi"}'
    assert event["isBase64Encoded"] is False
    assert "pathParameters" not in event
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/predict",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "emulation-test",
    }
    assert context["stage"] == "$default"
    assert context["routeKey"] == "POST /predict"
    assert context["requestId"] and context["domainName"]
    assert isinstance(context["timeEpoch"], int) and context["time"].endswith("+0000")


def test_repeated_headers_are_comma_joined(client, recorder):
    with raw_connection(client) as raw:
        raw.sendall(
            b"GET /health HTTP/1.1\r\nHost: x\r\nX-Twice: one\r\nX-Twice: two\r\n"
            b"Connection: close\r\n\r\n"
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 200")
    assert recorder.events[-1]["headers"]["x-twice"] == "one,two"


def test_status_route_carries_its_path_parameter(client, recorder):
    client.call("GET", "/status/abc-123")
    event = recorder.events[-1]
    assert event["routeKey"] == "GET /status/{request_id}"
    assert event["pathParameters"] == {"request_id": "abc-123"}
    assert "body" not in event and "queryStringParameters" not in event


def test_preflight_route_takes_the_rest_of_the_path_greedily(client, recorder):
    client.call("OPTIONS", "/status/abc-123")
    event = recorder.events[-1]
    assert event["routeKey"] == "OPTIONS /{proxy+}"
    assert event["pathParameters"] == {"proxy": "status/abc-123"}
    client.call("OPTIONS", "/")  # a greedy variable matches one segment at least
    assert recorder.events[-1]["routeKey"] == "$default"


def test_binary_body_arrives_base64_encoded(client, recorder):
    payload = bytes(range(256))
    client.call("POST", "/predict", payload, {"content-type": "application/octet-stream"})
    event = recorder.events[-1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


UNMATCHED = [("GET", "/predict"), ("GET", "/status/a/b"), ("POST", "/health")]


def test_request_no_route_matches_goes_to_the_default_route(client, recorder):
    for method, path in UNMATCHED:
        client.call(method, path)
    assert [event["routeKey"] for event in recorder.events] == ["$default"] * len(UNMATCHED)
    assert [event["rawPath"] for event in recorder.events] == [path for _, path in UNMATCHED]


def test_without_a_default_route_unmatched_requests_never_reach_the_function(recorder):
    api = HttpApi(recorder, FUNCTION, port=0, access_log=None, routes=GATEWAY_ROUTE_KEYS[:-1])
    api.start()
    try:
        for method, path in UNMATCHED:
            response = ApiClient(api.url).call(method, path)
            assert response.status == 404
            assert response.body == {"message": "Not Found"}
    finally:
        api.stop()
    assert recorder.events == []


def test_bare_dict_return_becomes_a_200_json_response(client, recorder):
    recorder.answer = lambda event: {"hello": "world"}
    response = client.call("GET", "/health")
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert response.body == {"hello": "world"}


def test_bare_string_return_is_the_body(client, recorder):
    recorder.answer = lambda event: "plain words"
    response = client.call("GET", "/health")
    assert (response.status, response.body) == (200, "plain words")


def test_structured_response_sets_status_headers_cookies_and_decodes_base64(client, recorder):
    recorder.answer = lambda event: {
        "statusCode": 201,
        "headers": {"content-type": "application/octet-stream", "x-one": "1"},
        "cookies": ["a=1; Path=/", "b=2"],
        "body": base64.b64encode(b"\x00\x01binary").decode(),
        "isBase64Encoded": True,
    }
    with urllib.request.urlopen(client.base_url + "/health") as response:
        assert response.status == 201
        assert response.headers["x-one"] == "1"
        assert response.headers.get_all("set-cookie") == ["a=1; Path=/", "b=2"]
        assert response.read() == b"\x00\x01binary"


@pytest.mark.parametrize(
    "answer",
    [
        {"statusCode": "200", "body": "x"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 999},
        {"statusCode": 200, "body": "!!!", "isBase64Encoded": True},
    ],
)
def test_malformed_function_response_gives_500(client, recorder, answer):
    recorder.answer = lambda event: answer
    response = client.call("GET", "/health")
    assert response.status == 500
    assert response.body == {"message": "Internal Server Error"}


def test_function_exception_gives_500_without_its_traceback(client, recorder):
    def explode(event):
        raise RuntimeError("secret detail")

    recorder.answer = explode
    response = client.call("GET", "/health")
    assert response.status == 500
    assert response.body == {"message": "Internal Server Error"}
    assert "secret" not in json.dumps(response.body)


def test_function_gets_a_lambda_context(client, recorder):
    client.call("GET", "/health")
    client.call("GET", "/health")
    first, second = recorder.contexts
    assert first.aws_request_id != second.aws_request_id
    assert 0 < first.get_remaining_time_in_millis() <= FUNCTION.timeout_seconds * 1000
    assert first.function_name == FUNCTION.name
    assert first.memory_limit_in_mb == "128"


def test_request_over_the_gateway_limit_gets_413_unread(client, recorder):
    with raw_connection(client) as raw:
        raw.sendall(
            b"POST /predict HTTP/1.1\r\nHost: x\r\n"
            + f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n\r\n".encode()
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 413")
    assert recorder.events == []


def test_emulated_routes_are_the_routes_terraform_declares():
    module = hcl2.loads((REPO / "modules" / "http_api" / "main.tf").read_text())
    routes = next(block["routes"] for block in module["locals"] if "routes" in block)
    declared = {route["key"].strip('"') for route in routes.values()}  # hcl2 keeps quotes
    assert declared == set(GATEWAY_ROUTE_KEYS)
