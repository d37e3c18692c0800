"""HTTP responses in API Gateway v2 (payload format 2.0) shape, and the one mapping from an
error code to an HTTP status."""

from __future__ import annotations

import json
from typing import Any

from asyncinfer_shared.contract import ContractError, ErrorCode

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
