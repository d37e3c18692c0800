"""One function per route: typed request in, use case, HTTP response out.

Each receives the parsed HTTP request, the route's path parameters and the request's log
fields (it records the request_id there as soon as it knows it, so the access line carries it
even when the request then fails).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from asyncinfer_shared.contract import Status, parse_prediction_input
from asyncinfer_shared.results_table import ResultsTable

from . import aws_clients
from .http_event import HttpRequest
from .json_body import decode_json_body
from .responses import json_response, preflight_response
from .settings import Settings
from .sqs_queue import SqsWorkQueue
from .status import get_status, parse_request_id
from .submit import submit


def submit_prediction(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    settings = Settings.from_env()
    prediction_input = parse_prediction_input(
        decode_json_body(request.body_bytes(), settings.max_body_bytes)
    )
    request_id = str(uuid.uuid4())
    log_fields["request_id"] = request_id
    accepted = submit(
        prediction_input,
        request_id=request_id,
        now=datetime.now(UTC),
        ttl_seconds=settings.result_ttl_seconds,
        store=_results_table(settings),
        queue=SqsWorkQueue(aws_clients.client("sqs"), settings.queue_url),
    )
    body = {"request_id": request_id, "status": Status.PENDING.value, "poll_url": accepted.poll_url}
    return json_response(202, body, {"Location": accepted.poll_url})


def request_status(request: HttpRequest, params: dict[str, str], log_fields: dict) -> dict:
    request_id = parse_request_id(params["request_id"])
    log_fields["request_id"] = request_id
    view = get_status(request_id, now=datetime.now(UTC), store=_results_table(Settings.from_env()))
    return json_response(200, view)


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
    return ResultsTable(aws_clients.client("dynamodb"), settings.results_table)
