"""The worker's Lambda edge: SQS batch event in, `batchItemFailures` out.

The event source mapping runs with ReportBatchItemFailures, so the response lists only the
messages SQS should deliver again; every other message of the batch is deleted from the queue.
A scheduled EventBridge event (`"source": "aws.events"`) only prepares the container: loads and
warms the model and creates the AWS clients, off the request path. A container initialised for
provisioned concurrency prepares itself at import, before any traffic reaches it.
"""

from __future__ import annotations

import logging
import os
import time

from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.results_table import ResultsTable, invocation_deadline_ms
from asyncinfer_shared.runtime import ColdStart
from asyncinfer_worker.batch import BatchDeps, process_batch
from asyncinfer_worker.io_pool import io_pool
from asyncinfer_worker.model_holder import LoadedModel, ModelHolder, holder_for
from asyncinfer_worker.records import PoisonForwarder, records_of
from asyncinfer_worker.settings import CLIENTS, WorkerSettings

WARM_UP_SOURCE = "aws.events"
# The clients every batch uses (creating them loads botocore's service models: about 80 ms).
BATCH_SERVICES = ("dynamodb", "sqs")
# Set by Lambda: "on-demand", "provisioned-concurrency" or "snap-start".
INITIALIZATION_TYPE_VARIABLE = "AWS_LAMBDA_INITIALIZATION_TYPE"

logger = get_logger("asyncinfer_worker")

COLD_START = ColdStart()


def handler(event: dict, context: object) -> dict:
    cold_start = COLD_START.take()
    settings = WorkerSettings.from_env()
    holder = holder_for(settings.model_path)
    if is_warm_up(event):
        return warm_up(holder, cold_start)
    # What this invocation starts it holds until its deadline, when Lambda stops it at the latest.
    lease_expires_at = invocation_deadline_ms(context, settings.lease_fallback_seconds)
    return handle_batch(event, settings, holder, cold_start, lease_expires_at)


def is_warm_up(event: object) -> bool:
    return isinstance(event, dict) and event.get("source") == WARM_UP_SOURCE


def prepare(holder: ModelHolder) -> LoadedModel:
    """Load and warm the model and create the batch's AWS clients (no-ops once done). Creating
    a client makes no AWS call."""
    model = holder.get()
    for service in BATCH_SERVICES:
        CLIENTS.client(service)
    return model


def warm_up(holder: ModelHolder, cold_start: bool) -> dict:
    """Prepare the container; touches no request and no AWS data."""
    was_loaded = holder.is_loaded
    model = prepare(holder)
    log(
        logger,
        logging.INFO,
        "warm-up event: model ready",
        cold_start=cold_start,
        model_version=model.version,
        model_load_ms=None if was_loaded else model.load_ms,
    )
    return {"warmed": True, "model_version": model.version}


def handle_batch(
    event: dict,
    settings: WorkerSettings,
    holder: ModelHolder,
    cold_start: bool,
    lease_expires_at: int,
):
    started = time.perf_counter()
    records = records_of(event)
    if not records:
        log(logger, logging.WARNING, "event has no SQS records", cold_start=cold_start)
        return {"batchItemFailures": []}
    was_loaded = holder.is_loaded
    deps = BatchDeps(
        store=ResultsTable(CLIENTS.client("dynamodb"), settings.results_table),
        poison_forwarder=(
            PoisonForwarder(settings.dlq_url, CLIENTS.client("sqs")) if settings.dlq_url else None
        ),
        model=holder.get,
        pool=io_pool(settings.io_concurrency),
        max_receive_count=settings.max_receive_count,
        lease_expires_at=lease_expires_at,
    )
    report = process_batch(records, deps)
    loaded_now = not was_loaded and holder.is_loaded
    log(
        logger,
        logging.INFO,
        "batch processed",
        cold_start=cold_start,
        batch_size=len(records),
        outcomes=report.counts,
        retried=len(report.retry_message_ids),
        model_version=report.model_version,
        model_load_ms=holder.get().load_ms if loaded_now else None,
        inference_ms=report.inference_ms,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return {
        "batchItemFailures": [
            {"itemIdentifier": message_id} for message_id in report.retry_message_ids
        ]
    }


def prepare_at_provisioned_init() -> bool:
    """Provisioned concurrency runs init before any traffic and bills the environment anyway:
    spend it on the model and the clients, so the first batch is as fast as any. On-demand
    init stays lean (a batch of poison messages never needs the model). Best effort: a failure
    is logged and the first batch tries again, as a lazily loading container would. True when
    the container was prepared."""
    if os.environ.get(INITIALIZATION_TYPE_VARIABLE) != "provisioned-concurrency":
        return False
    started = time.perf_counter()
    try:
        model = prepare(holder_for(WorkerSettings.from_env().model_path))
    except Exception as error:  # noqa: BLE001 - any failure: the first batch retries the load
        log(
            logger,
            logging.ERROR,
            "provisioned init: preparing the container failed; the first batch retries",
            error_type=type(error).__name__,
            error=str(error)[:500],
        )
        return False
    log(
        logger,
        logging.INFO,
        "provisioned init: container prepared",
        model_version=model.version,
        model_load_ms=model.load_ms,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return True


prepare_at_provisioned_init()
