"""API Gateway v2 (HTTP API, payload format 2.0) both ways: the event in as a small typed request
with a strictly decoded JSON body, the response out, and the one mapping from an error code to
an HTTP status.

The event side is tolerant: any piece of the event may be missing or `null` (the local emulator
and test tools send trimmed events), and reading it never raises. The body side is strict: a
size limit on the bytes the client sent, UTF-8 only (RFC 8259), no NaN or Infinity, and no
duplicate keys (which value would win is ambiguous, so we refuse to guess).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from asyncinfer_shared.contract import (
    ContractError,
    ErrorCode,
    StrictJsonError,
    reject_json_constant,
)

from .errors import ApiError

HTTP_STATUS_BY_CODE = {
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.INVALID_BODY: 400,
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.INVALID_REQUEST_ID: 400,
    ErrorCode.ROUTE_NOT_FOUND: 404,
    ErrorCode.REQUEST_NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}
RETRY_AFTER_SECONDS = 1

_BASE_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


# -- the event in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    path_parameters: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    body_is_base64: bool = False

    def body_bytes(self) -> bytes:
        """The body as the client sent it. Raises ApiError when base64 decoding fails."""
        if self.raw_body is None:
            return b""
        if not self.body_is_base64:
            # surrogatepass: a lone surrogate from a bad \u escape must become a 400 later,
            # when the bytes are decoded as UTF-8, not an exception here.
            return self.raw_body.encode("utf-8", errors="surrogatepass")
        try:
            return base64.b64decode(self.raw_body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ApiError(
                ErrorCode.INVALID_BODY, "The request body is not valid base64."
            ) from error


def parse_http_event(event: Any) -> HttpRequest:
    event = event if isinstance(event, dict) else {}
    http = _mapping(_mapping(event.get("requestContext")).get("http"))
    route_key = _text(event.get("routeKey"))
    method = _text(http.get("method")) or _method_of_route_key(route_key)
    path = _text(event.get("rawPath")) or _text(http.get("path"))
    body = event.get("body")
    return HttpRequest(
        method=method.upper(),
        path=path,
        path_parameters={
            key: value
            for key, value in _mapping(event.get("pathParameters")).items()
            if isinstance(key, str) and isinstance(value, str)
        },
        raw_body=body if isinstance(body, str) else None,
        body_is_base64=event.get("isBase64Encoded") is True,
    )


def decode_json_body(data: bytes, max_bytes: int) -> Any:
    if len(data) > max_bytes:
        raise ApiError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The request body is {len(data)} bytes; the limit is {max_bytes}.",
            [{"limit_bytes": max_bytes, "got_bytes": len(data)}],
        )
    if not data.strip():
        raise ApiError(ErrorCode.INVALID_JSON, "The request body is empty; send a JSON object.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            ErrorCode.INVALID_JSON,
            "The request body is not valid UTF-8.",
            [{"byte_offset": error.start}],
        ) from error
    try:
        return json.loads(
            text, parse_constant=reject_json_constant, object_pairs_hook=_reject_duplicate_keys
        )
    except StrictJsonError as error:
        raise ApiError(ErrorCode.INVALID_JSON, str(error)) from error
    except json.JSONDecodeError as error:
        raise ApiError(
            ErrorCode.INVALID_JSON,
            "The request body is not valid JSON.",
            [{"line": error.lineno, "column": error.colno, "issue": error.msg}],
        ) from error
    except RecursionError as error:
        raise ApiError(ErrorCode.INVALID_JSON, "The request body is nested too deeply.") from error


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    value = dict(pairs)
    if len(value) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        repeated = sorted(key for key, count in counts.items() if count > 1)
        raise StrictJsonError(f"The request body repeats the key(s) {', '.join(repeated)}.")
    return value


def _method_of_route_key(route_key: str) -> str:
    # "POST /predict" names the method; "$default" (a catch-all route) does not.
    method, _, path = route_key.partition(" ")
    return method if path else ""


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# -- the response out --------------------------------------------------------------------------


def json_response(status_code: int, body: Any, headers: dict[str, str] | None = None) -> dict:
    return {
        "statusCode": status_code,
        "headers": {**_BASE_HEADERS, **(headers or {})},
        "body": json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def preflight_response(allow: str) -> dict:
    """204 to an OPTIONS request on a known path, naming the methods it takes."""
    return {"statusCode": 204, "headers": {"Allow": allow}, "body": "", "isBase64Encoded": False}


def error_response(error: ContractError) -> dict:
    status_code = HTTP_STATUS_BY_CODE.get(error.code, 500)
    headers = dict(error.headers) if isinstance(error, ApiError) else {}
    if status_code == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    body = {"error": {"code": str(error.code), "message": error.message, "details": error.details}}
    return json_response(status_code, body, headers)


def internal_error_response() -> dict:
    return error_response(
        ContractError(ErrorCode.INTERNAL_ERROR, "An internal error occurred; it has been logged.")
    )
