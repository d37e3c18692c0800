"""Answer a status poll from the request's item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from asyncinfer_shared.contract import Attr, ErrorCode, Status, is_request_id
from asyncinfer_shared.results_table import ResultsTable

from .aws_errors import unavailable_on_aws_error
from .errors import ApiError


def parse_request_id(value: str) -> str:
    if not is_request_id(value):
        raise ApiError(
            ErrorCode.INVALID_REQUEST_ID,
            "The request id is malformed: expected a lowercase UUID4 as returned by POST /predict.",
            [{"field": "request_id", "issue": "not a lowercase UUID4"}],
        )
    return value


def get_status(request_id: str, *, now: datetime, store: ResultsTable) -> dict[str, Any]:
    with unavailable_on_aws_error("results_table"):
        item = store.get(request_id)
    if item is None or _expired(item, now):
        raise ApiError(
            ErrorCode.REQUEST_NOT_FOUND,
            f"No request {request_id}: it never existed or its result has expired.",
        )
    status = item.get(Attr.STATUS)
    return {
        "request_id": request_id,
        "status": status,
        "result": item.get(Attr.RESULT) if status == Status.SUCCEEDED else None,
        "error": item.get(Attr.ERROR) if status == Status.FAILED else None,
        "created_at": item.get(Attr.CREATED_AT),
        "started_at": item.get(Attr.STARTED_AT),
        "completed_at": item.get(Attr.COMPLETED_AT),
        "attempts": item.get(Attr.ATTEMPTS),
        "metrics": item.get(Attr.METRICS),
    }


def _expired(item: dict, now: datetime) -> bool:
    # DynamoDB deletes expired items up to ~48 h late: past its TTL an item is gone for us.
    expires_at = item.get(Attr.EXPIRES_AT)
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        return False
    return expires_at <= now.timestamp()
