"""API Gateway v2 (HTTP API) payload format 2.0, both ways: an HTTP request as the event Lambda
receives, and the Lambda's return value as the HTTP response API Gateway sends.

Pure functions, no I/O. The rules follow AWS's documentation of payload 2.0: header names
lower-cased with repeated headers comma-joined, cookies moved to `cookies`, repeated query
parameters comma-joined, binary bodies base64-encoded, and a return value without `statusCode`
taken as a 200 JSON body.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from asyncinfer_enqueue.routes import DEFAULT_ROUTE, GATEWAY_ROUTE_KEYS, match_template

NOT_FOUND = (404, {"content-type": "application/json"}, b'{"message":"Not Found"}')

# Content types API Gateway passes as text; any other body arrives base64-encoded.
TEXT_TYPES = ("application/json", "application/javascript", "application/xml")
TEXT_SUFFIXES = ("+json", "+xml")

INTERNAL_ERROR = (500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string as sent on the request line
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def to_event(
    request: HttpRequest,
    domain_name: str,
    routes: Iterable[str] = GATEWAY_ROUTE_KEYS,
    now: float | None = None,
) -> dict[str, Any]:
    now = time.time() if now is None else now
    split = urlsplit(request.target)
    raw_path = split.path or "/"
    path = unquote(raw_path)
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    headers.setdefault("x-forwarded-for", request.source_ip)
    headers.setdefault("x-forwarded-proto", "http")
    request_id = base64.urlsafe_b64encode(uuid.uuid4().bytes[:9]).decode()
    route_key, path_parameters = match_route(request.method, path, routes)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": split.query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": domain_name,
            "domainPrefix": domain_name.split(".")[0],
            "http": {
                "method": request.method,
                "path": path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query = _query_parameters(split.query)
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if request.body:
        if is_text(headers.get("content-type"), request.body):
            event["body"] = request.body.decode("utf-8")
        else:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def match_route(method: str, path: str, routes: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The first route whose method and path template match, with its parameters; else
    `$default` (which API Gateway tries last)."""
    for route in routes:
        route_method, _, template = route.partition(" ")
        if route_method in (method, "ANY"):
            params = match_template(template, path)
            if params is not None:
                return route, params
    return DEFAULT_ROUTE, {}


def is_text(content_type: str | None, body: bytes) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    textual = (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(TEXT_SUFFIXES)
    )
    if not textual:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def to_response(result: Any) -> HttpResponse:
    """Map the function's (already JSON-round-tripped) return value to the HTTP response."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # No statusCode: API Gateway assumes 200 and a JSON body; a string is sent as it is.
        body = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("content-type", "application/json")], body.encode("utf-8"))
    try:
        return _structured_response(result)
    except (TypeError, ValueError):
        return internal_error()


def internal_error() -> HttpResponse:
    return _gateway_response(INTERNAL_ERROR)


def route_not_found() -> HttpResponse:
    return _gateway_response(NOT_FOUND)


def _gateway_response(canned: tuple[int, dict[str, str], bytes]) -> HttpResponse:
    status, headers, body = canned
    return HttpResponse(status, list(headers.items()), body)


def _structured_response(result: dict) -> HttpResponse:
    status = result["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError(f"statusCode {status!r}")
    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.append((name, ",".join(_header_value(value) for value in values)))
    for name, value in (result.get("headers") or {}).items():
        headers = [pair for pair in headers if pair[0].lower() != name.lower()]
        headers.append((name, _header_value(value)))
    for cookie in result.get("cookies") or []:
        if not isinstance(cookie, str):
            raise TypeError("cookie")
        headers.append(("set-cookie", cookie))
    body = result.get("body")
    if body is None:
        payload = b""
    elif not isinstance(body, str):
        raise TypeError("body must be a string")
    elif result.get("isBase64Encoded") is True:
        payload = base64.b64decode(body, validate=True)
    else:
        payload = body.encode("utf-8")
    return HttpResponse(status, headers, payload)


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"header value {value!r}")


def _query_parameters(raw_query: str) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
    return parameters
