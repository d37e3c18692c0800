"""A worker handler that stops on every receive, as a worker does that runs out of memory,
segfaults, times out or cannot load its model: the invocation fails before any outcome is
written, so nothing in the worker fails the request on the last receive. Run by a local stack
(`--worker-handler`); the queue, its redrive to the DLQ and the dead-letter drain are real.

A text carrying AFTER_START dies after the worker's own start (the request is processing,
held by this invocation's lease); any other text dies first (the request stays pending).
"""

from __future__ import annotations

import os

from asyncinfer_shared.contract import parse_message, utc_now_iso
from asyncinfer_shared.results_table import ResultsTable, invocation_deadline_ms
from asyncinfer_worker.records import records_of
from asyncinfer_worker.settings import CLIENTS

AFTER_START = "[planted:crash-after-start]"


class WorkerStopped(RuntimeError):
    """Stands for the crash: the runtime reports the invocation failed, the batch is retried."""


def handler(event: dict, context) -> dict:
    store = ResultsTable(CLIENTS.client("dynamodb"), os.environ["RESULTS_TABLE"])
    for record in records_of(event):
        message = parse_message(record.body)
        if AFTER_START in message.text:
            store.start_processing(
                message.request_id, utc_now_iso(), invocation_deadline_ms(context, 900)
            )
    raise WorkerStopped("planted crash: the worker stops on every receive")
