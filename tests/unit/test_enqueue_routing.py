"""Exact routing, 404 and 405, health, and events missing pieces (reference defect 4)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from enqueue_calls import SAMPLE_REQUEST_ID, assert_error, event_for, invoke, load_event

from asyncinfer_enqueue.handler import handler


def test_health_is_200_healthy(stack):
    reply = invoke(load_event("apigw_health.json"))

    assert reply.status == 200
    assert reply.body == {"status": "healthy"}


def test_health_needs_no_aws_configuration(monkeypatch):
    monkeypatch.delenv("RESULTS_TABLE", raising=False)
    monkeypatch.delenv("QUEUE_URL", raising=False)

    assert invoke(load_event("apigw_health.json")).status == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/predictXYZ"),
        ("POST", "/api/predict"),
        ("POST", "/predict/"),
        ("POST", "//predict"),
        ("GET", "/foo/status/x"),
        ("GET", f"/foo/status/{SAMPLE_REQUEST_ID}"),
        ("GET", f"/status/{SAMPLE_REQUEST_ID}/extra"),
        ("GET", "/status/"),
        ("GET", "/status"),
        ("GET", "/healthz"),
        ("GET", "/"),
        ("GET", ""),
    ],
)
def test_path_that_only_contains_a_route_is_404(stack, method, path):
    assert_error(invoke(event_for(method, path)), 404, "route_not_found")
    assert stack.items() == []


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/predict", "POST"),
        ("PUT", "/predict", "POST"),
        ("POST", f"/status/{SAMPLE_REQUEST_ID}", "GET"),
        ("DELETE", "/health", "GET"),
        ("HEAD", "/health", "GET"),
    ],
)
def test_known_path_with_wrong_method_is_405_with_allow(stack, method, path, allowed):
    reply = invoke(event_for(method, path))

    error = assert_error(reply, 405, "method_not_allowed")
    assert reply.headers["Allow"] == allowed
    assert error["details"] == [{"allowed_methods": [allowed]}]


def test_method_is_matched_case_insensitively(stack):
    assert invoke(event_for("get", "/health")).status == 200


def test_event_without_request_context_routes_by_route_key():
    event = load_event("apigw_health.json")
    del event["requestContext"]

    assert invoke(event).status == 200


def test_event_with_null_request_context_pieces_routes_by_raw_path():
    event = load_event("apigw_health.json")
    event["requestContext"] = {"http": None}

    assert invoke(event).status == 200


@pytest.mark.parametrize("event", [{}, None, [], {"rawPath": None, "requestContext": "x"}])
def test_shapeless_event_is_404_not_500(event):
    assert_error(invoke(event), 404, "route_not_found")


def test_event_without_any_method_is_405():
    event = load_event("apigw_health.json")
    del event["requestContext"]
    event["routeKey"] = "$default"

    reply = invoke(event)

    assert_error(reply, 405, "method_not_allowed")
    assert reply.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    ("path", "allow"),
    [("/predict", "POST, OPTIONS"), (f"/status/{SAMPLE_REQUEST_ID}", "GET, OPTIONS")],
)
def test_cors_preflight_on_a_known_path_is_204_naming_its_methods(stack, path, allow):
    """Not 405: API Gateway adds the CORS headers of the API's settings to this answer."""
    response = handler(event_for("OPTIONS", path), SimpleNamespace(aws_request_id="preflight"))

    assert response["statusCode"] == 204
    assert response["headers"]["Allow"] == allow
    assert response["body"] == ""
    assert stack.items() == []


def test_cors_preflight_on_an_unknown_path_is_404(stack):
    assert_error(invoke(event_for("OPTIONS", "/predictXYZ")), 404, "route_not_found")
