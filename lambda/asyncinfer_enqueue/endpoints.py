"""What each route does: accept a prediction, answer a status poll, health, CORS preflight.

Each endpoint receives the parsed HTTP request, the route's path parameters and the request's
log fields (it records the request_id there as soon as it knows it, so the access line carries
it even when the request then fails).

Accepting a prediction writes the item before the message, and compensates, which is what makes
"no pending item without a message" hold:
- the item is written first, so a worker never receives a message whose item does not exist;
- if the put fails, nothing was queued and the client gets a 503;
- if the send fails, the item is marked failed (`enqueue_failed`) only while it is still
  pending: a send whose response was lost may still have been delivered, and a worker that
  already moved the item on must win;
- if that compensation fails too, the item stays pending until its TTL. The client never
  learned its id (it got a 503, not a 202), so nobody polls it; the line is logged at CRITICAL
  with the request_id so an operator can see it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from asyncinfer_shared.contract import (
    Attr,
    ErrorCode,
    InferenceMessage,
    Status,
    is_request_id,
    parse_prediction_input,
    utc_now_iso,
)
from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.results_table import ResultsTable

from .errors import ApiError, Unavailable, unavailable_on_aws_error
from .gateway import HttpRequest, decode_json_body, json_response, preflight_response
from .settings import CLIENTS, Settings

LOGGER = get_logger("asyncinfer.enqueue.submit")
# The dependencies a 503 names.
RESULTS_TABLE = "results_table"
QUEUE = "queue"


def submit_prediction(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    settings = Settings.from_env()
    prediction_input = parse_prediction_input(
        decode_json_body(request.body_bytes(), settings.max_body_bytes)
    )
    request_id = str(uuid.uuid4())
    log_fields["request_id"] = request_id
    now = datetime.now(UTC)
    submitted_at = utc_now_iso(now)
    store = _results_table(settings)
    with unavailable_on_aws_error(RESULTS_TABLE):
        store.put_pending(
            request_id, submitted_at, int(now.timestamp()) + settings.result_ttl_seconds
        )
    message = InferenceMessage(
        request_id=request_id,
        text=prediction_input.text,
        threshold=prediction_input.threshold,
        submitted_at=submitted_at,
    )
    try:
        with unavailable_on_aws_error(QUEUE):
            CLIENTS.client("sqs").send_message(
                QueueUrl=settings.queue_url, MessageBody=message.to_json()
            )
    except Unavailable as send_error:
        _compensate(store, request_id, send_error)
        raise
    poll_url = f"/status/{request_id}"
    body = {"request_id": request_id, "status": Status.PENDING.value, "poll_url": poll_url}
    return json_response(202, body, {"Location": poll_url})


def request_status(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    request_id = params["request_id"]
    if not is_request_id(request_id):
        raise ApiError(
            ErrorCode.INVALID_REQUEST_ID,
            "The request id is malformed: expected a lowercase UUID4 as returned by POST /predict.",
            [{"field": "request_id", "issue": "not a lowercase UUID4"}],
        )
    log_fields["request_id"] = request_id
    with unavailable_on_aws_error(RESULTS_TABLE):
        item = _results_table(Settings.from_env()).get(request_id)
    if item is None or _expired(item, datetime.now(UTC)):
        raise ApiError(
            ErrorCode.REQUEST_NOT_FOUND,
            f"No request {request_id}: it never existed or its result has expired.",
        )
    return json_response(200, _status_view(request_id, item))


def health(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    return json_response(200, {"status": "healthy"})


def preflight(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    return preflight_response(params["allow"])


ENDPOINTS = {
    "submit": submit_prediction,
    "status": request_status,
    "health": health,
    "preflight": preflight,
}


def _results_table(settings: Settings) -> ResultsTable:
    return ResultsTable(CLIENTS.client("dynamodb"), settings.results_table)


def _compensate(store: ResultsTable, request_id: str, send_error: Unavailable) -> None:
    error = {
        "code": ErrorCode.ENQUEUE_FAILED.value,
        "message": "The request could not be queued; submit it again.",
    }
    try:
        with unavailable_on_aws_error(RESULTS_TABLE):
            failed = store.fail_pending(request_id, error, utc_now_iso())
    except Unavailable as compensation_error:
        log(
            LOGGER,
            logging.CRITICAL,
            "request left pending without a message: queueing and compensation both failed; "
            "it expires with its TTL and its id was never given to the client",
            request_id=request_id,
            send_error=send_error.reason,
            compensation_error=compensation_error.reason,
        )
        return
    log(
        LOGGER,
        logging.ERROR,
        "queueing failed; request marked failed"
        if failed
        else "queueing failed, but the request had already moved on (the send was delivered)",
        request_id=request_id,
        send_error=send_error.reason,
    )


def _status_view(request_id: str, item: dict[str, Any]) -> dict[str, Any]:
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
