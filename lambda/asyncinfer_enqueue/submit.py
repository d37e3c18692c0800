"""Accept a prediction request: record it as pending, then queue it.

Ordering and compensation are what make "no pending item without a message" hold:
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
from dataclasses import dataclass
from datetime import datetime

from asyncinfer_shared.contract import (
    ErrorCode,
    InferenceMessage,
    PredictionInput,
    utc_now_iso,
)
from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.results_table import ResultsTable

from .aws_errors import unavailable_on_aws_error
from .errors import Unavailable
from .sqs_queue import SqsWorkQueue

LOGGER = get_logger("asyncinfer.enqueue.submit")
RESULTS_TABLE = "results_table"  # the dependency a 503 names


@dataclass(frozen=True)
class Accepted:
    request_id: str

    @property
    def poll_url(self) -> str:
        return f"/status/{self.request_id}"


def submit(
    prediction_input: PredictionInput,
    *,
    request_id: str,
    now: datetime,
    ttl_seconds: int,
    store: ResultsTable,
    queue: SqsWorkQueue,
) -> Accepted:
    submitted_at = utc_now_iso(now)
    with unavailable_on_aws_error(RESULTS_TABLE):
        store.put_pending(request_id, submitted_at, int(now.timestamp()) + ttl_seconds)
    message = InferenceMessage(
        request_id=request_id,
        text=prediction_input.text,
        threshold=prediction_input.threshold,
        submitted_at=submitted_at,
    )
    try:
        queue.send(message.to_json())
    except Unavailable as send_error:
        _compensate(store, request_id, send_error)
        raise
    return Accepted(request_id)


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
