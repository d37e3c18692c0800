"""Lambda entry point: `asyncinfer_enqueue.handler.handler` (API Gateway v2, payload 2.0).

A thin edge: event -> typed request -> route -> endpoint -> response. Every refusal is a
ContractError with a code that `gateway.error_response` maps to a status; anything else is a
bug, logged with its traceback and answered with a JSON 500 that carries none. One JSON access
line per request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asyncinfer_shared.contract import ContractError, ErrorCode
from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.runtime import ColdStart

from .endpoints import ENDPOINTS
from .errors import Unavailable
from .gateway import error_response, internal_error_response, parse_http_event
from .routes import match_route

LOGGER = get_logger("asyncinfer.enqueue")
COLD_START = ColdStart()


def handler(event: dict, context: Any) -> dict:
    cold_start = COLD_START.take()
    started = time.perf_counter()
    fields: dict[str, Any] = {"request_id": None, "route": None}
    request = parse_http_event(event)
    try:
        match = match_route(request.method, request.path, request.path_parameters)
        fields["route"] = match.name
        response = ENDPOINTS[match.name](request, match.params, fields)
    except ContractError as error:
        fields["error_code"] = str(error.code)
        if isinstance(error, Unavailable):
            fields["dependency"], fields["reason"] = error.dependency, error.reason
        response = error_response(error)
    except Exception:
        fields["error_code"] = ErrorCode.INTERNAL_ERROR.value
        LOGGER.exception("unhandled error", extra={"request_id": fields["request_id"]})
        response = internal_error_response()
    status_code = response["statusCode"]
    log(
        LOGGER,
        logging.ERROR if status_code >= 500 else logging.INFO,
        "request",
        method=request.method,
        path=request.path,
        status_code=status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        cold_start=cold_start,
        aws_request_id=getattr(context, "aws_request_id", None),
        **fields,
    )
    return response
