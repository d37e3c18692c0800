"""The dead-letter drain's Lambda edge: DLQ batch event in, `batchItemFailures` out.

It fails, with one conditional write, the requests whose messages SQS's redrive moved to the DLQ
after the worker stopped on every receive; a request already terminal is left as it is, and one
another copy still holds under a live lease is retried. Why and how: docs/worker.md, "The
dead-letter drain". No model and no torch here: it runs from the worker image with little memory.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from asyncinfer_shared.contract import (
    ContractError,
    ErrorCode,
    parse_message,
    request_id_of,
    utc_now_iso,
)
from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.results_table import FailOutcome, ResultsTable
from asyncinfer_worker.batch import AWS_ERRORS
from asyncinfer_worker.records import SqsRecord, records_of
from asyncinfer_worker.settings import CLIENTS, DrainSettings

logger = get_logger("asyncinfer_worker.drain")


class Drained(StrEnum):
    FAILED = "failed"  # the request was live: it is failed now
    LEFT_ALONE = "left_alone"  # already terminal, expired or never stored
    NO_REQUEST = "no_request"  # the message names no request: nothing to fail
    RETRY = "retry"  # held by another copy, or DynamoDB said no: it stays and comes back


def worker_stopped_message(max_receive_count: int) -> str:
    return (
        f"The worker stopped on every allowed attempt ({max_receive_count}) without finishing "
        "this request: it crashed, timed out or failed to initialise. Submit it again; if it "
        "keeps failing, the worker's logs say why."
    )


def handler(event: dict, context: object) -> dict:
    settings = DrainSettings.from_env()
    store = ResultsTable(CLIENTS.client("dynamodb"), settings.results_table)
    records = records_of(event)
    outcomes = [drain(record, store, settings.max_receive_count) for record in records]
    retry = [
        record.message_id
        for record, outcome in zip(records, outcomes, strict=True)
        if outcome is Drained.RETRY
    ]
    log(
        logger,
        logging.INFO,
        "dead letters drained",
        batch_size=len(records),
        outcomes={kind.value: outcomes.count(kind) for kind in Drained if kind in outcomes},
    )
    # Each message id once: Lambda retries by message id, whichever record named it.
    return {"batchItemFailures": [{"itemIdentifier": i} for i in dict.fromkeys(retry)]}


def drain(record: SqsRecord, store: ResultsTable, max_receive_count: int) -> Drained:
    """Fail the request `record` names, unless it is already terminal."""
    try:
        request_id = parse_message(record.body).request_id
        code, reason = ErrorCode.WORKER_STOPPED, worker_stopped_message(max_receive_count)
    except ContractError as error:
        # A poison message: normally already failed by the worker with this very error, but
        # if that write failed on every receive, this one fails the request the same way.
        request_id, code, reason = request_id_of(record.body), error.code, error.message
    if request_id is None:
        _log(logging.WARNING, "dead letter names no request: acknowledged", record, None)
        return Drained.NO_REQUEST
    try:
        outcome = store.fail_unheld(request_id, code, reason, utc_now_iso())
    except AWS_ERRORS as error:
        _log(logging.WARNING, f"could not fail the request, retrying: {error}", record, request_id)
        return Drained.RETRY
    if outcome is FailOutcome.HELD:
        _log(
            logging.INFO,
            "another copy of the message still holds the request: retried after its lease",
            record,
            request_id,
        )
        return Drained.RETRY
    if outcome is FailOutcome.NOT_LIVE:
        _log(
            logging.INFO,
            "request already terminal, expired or never stored: left alone",
            record,
            request_id,
        )
        return Drained.LEFT_ALONE
    _log(
        logging.ERROR,
        "dead-lettered request failed",
        record,
        request_id,
        error_code=code.value,
    )
    return Drained.FAILED


def _log(level: int, message: str, record: SqsRecord, request_id: str | None, **fields) -> None:
    log(logger, level, message, request_id=request_id, message_id=record.message_id, **fields)
