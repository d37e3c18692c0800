"""Bad input gets a JSON error with the right 4xx status over real HTTP, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest

JSON = {"content-type": "application/json"}


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status == status, response.body
    assert response.headers["content-type"].startswith("application/json")
    assert response.body["error"]["code"] == code, response.body
    assert response.body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"text": "unterminated', "invalid_json"),
        (b"", "invalid_json"),
        (b'["a list"]', "invalid_body"),
        (b'"a string"', "invalid_body"),
        (b"{}", "validation_error"),
        (b'{"text": ""}', "validation_error"),
        (json.dumps({"text": "x" * 1001}).encode(), "validation_error"),
        (b'{"text": 42}', "validation_error"),
        (b'{"text": "fine", "threshold": 1.5}', "validation_error"),
        (b'{"text": "fine", "threshold": true}', "validation_error"),
        (b'{"text": "fine", "model": "other"}', "validation_error"),
        (b'{"text": "fine", "threshold": NaN}', "invalid_json"),
    ],
)
def test_invalid_submission_gets_400_json_error(api, body, code):
    assert_json_error(api.call("POST", "/predict", body, JSON), 400, code)


def test_validation_error_lists_every_problem(api):
    body = b'{"text": "", "threshold": 2, "extra": 1}'
    response = api.call("POST", "/predict", body, JSON)
    fields = {detail["field"] for detail in response.body["error"]["details"]}
    assert fields == {"text", "threshold", "extra"}


def test_body_over_the_limit_gets_413(api):
    body = json.dumps({"text": "x" * 20_000}).encode()
    assert_json_error(api.call("POST", "/predict", body, JSON), 413, "payload_too_large")


def test_invalid_utf8_body_gets_400(api):
    response = api.call("POST", "/predict", b'{"text": "\xff\xfe"}', JSON)
    assert 400 <= response.status < 500
    assert "error" in response.body


def test_unknown_request_id_gets_404(api):
    assert_json_error(api.call("GET", f"/status/{uuid.uuid4()}"), 404, "request_not_found")


@pytest.mark.parametrize("request_id", ["not-a-uuid", "12345", str(uuid.uuid1())])
def test_malformed_request_id_gets_400(api, request_id):
    assert_json_error(api.call("GET", f"/status/{request_id}"), 400, "invalid_request_id")


@pytest.mark.parametrize("path", ["/nothing-here", "/predictXYZ", "/foo/status/x", "/status/a/b"])
def test_unknown_path_gets_404_json_error(api, path):
    # The deployed API's $default route brings these to the function, which answers them.
    assert_json_error(api.call("GET", path), 404, "route_not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/predict", "POST"),
        ("DELETE", "/status/00000000-0000-4000-8000-000000000000", "GET"),
        ("POST", "/health", "GET"),
    ],
)
def test_known_path_with_wrong_method_gets_405_with_allow(api, method, path, allowed):
    response = api.call(method, path)
    assert_json_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed


@pytest.mark.parametrize(
    ("path", "allow"), [("/predict", "POST, OPTIONS"), (f"/status/{uuid.uuid4()}", "GET, OPTIONS")]
)
def test_preflight_on_a_known_path_gets_204_with_its_methods(api, path, allow):
    response = api.call("OPTIONS", path)
    assert response.status == 204
    assert response.headers["allow"] == allow


def test_preflight_on_an_unknown_path_gets_404(api):
    assert_json_error(api.call("OPTIONS", "/nope"), 404, "route_not_found")
