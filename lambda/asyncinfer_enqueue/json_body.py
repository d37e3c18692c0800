"""Decode a request body into a JSON value, strictly.

Strict means: a size limit on the bytes the client sent, UTF-8 only (RFC 8259), no NaN or
Infinity (not JSON, and they would poison a threshold), and no duplicate keys (which value
would win is ambiguous, so we refuse to guess).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from asyncinfer_shared.contract import ErrorCode

from .errors import ApiError


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
            text, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicate_keys
        )
    except _InvalidJson as error:
        raise ApiError(ErrorCode.INVALID_JSON, str(error)) from error
    except json.JSONDecodeError as error:
        raise ApiError(
            ErrorCode.INVALID_JSON,
            "The request body is not valid JSON.",
            [{"line": error.lineno, "column": error.colno, "issue": error.msg}],
        ) from error
    except RecursionError as error:
        raise ApiError(ErrorCode.INVALID_JSON, "The request body is nested too deeply.") from error


class _InvalidJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _InvalidJson(f"{name} is not a JSON number.")


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    value = dict(pairs)
    if len(value) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        repeated = sorted(key for key, count in counts.items() if count > 1)
        raise _InvalidJson(f"The request body repeats the key(s) {', '.join(repeated)}.")
    return value
