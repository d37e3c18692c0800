"""An emulation of Lambda's SQS event source mapping with ReportBatchItemFailures.

Each of `maximum_concurrency` pollers long-polls the queue, gathers up to `batch_size` records
within the batching window, invokes the function once with them, then deletes the records that
succeeded. Failed records are left alone: they come back after the queue's visibility timeout,
and the queue's redrive policy moves them to the dead-letter queue after maxReceiveCount
receives, exactly as on AWS.
"""

from __future__ import annotations

import base64
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from .lambda_runtime import FunctionConfig, Handler, InvocationError, invoke

MAX_RECEIVE_BATCH = 10  # SQS ReceiveMessage's own limit
ERROR_BACKOFF_SECONDS = 1.0


class MalformedBatchResponse(ValueError):
    """The function's response cannot be read as a partial batch response."""


@dataclass(frozen=True)
class MappingConfig:
    queue_url: str
    queue_arn: str
    region: str
    batch_size: int
    batching_window_seconds: float
    maximum_concurrency: int
    # Each ReceiveMessage waits at most this long, so stop() returns within about this time.
    # Lambda's pollers wait 20 s.
    poll_wait_seconds: int = 2


@dataclass(frozen=True)
class BatchOutcome:
    records: int
    failed: int
    error: str | None
    duration_ms: float


def failed_message_ids(response: Any, batch_ids: list[str]) -> set[str]:
    """The message ids to retry, read from the function's response as Lambda reads it.

    No response, an empty object or an empty/null list mean every record succeeded. A list entry
    without an itemIdentifier naming a record of this batch makes the whole response malformed.
    """
    if response is None or response == "" or response == {}:
        return set()
    if not isinstance(response, dict):
        raise MalformedBatchResponse(f"response is a {type(response).__name__}, not an object")
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        raise MalformedBatchResponse("batchItemFailures is not a list")
    known = set(batch_ids)
    failed: set[str] = set()
    for entry in failures:
        identifier = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            raise MalformedBatchResponse(f"{entry!r} names no record of the batch")
        failed.add(identifier)
    return failed


def to_record(message: dict, config: MappingConfig) -> dict:
    """One ReceiveMessage message as the record Lambda puts in the event."""
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _record_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": config.queue_arn,
        "awsRegion": config.region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _record_attribute(value: dict) -> dict:
    attribute = {
        "dataType": value["DataType"],
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [
            base64.b64encode(item).decode("ascii") for item in value.get("BinaryListValues", [])
        ],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return attribute


class SqsEventSourceMapping:
    def __init__(
        self,
        sqs: Any,
        handler: Handler,
        function: FunctionConfig,
        config: MappingConfig,
        log: TextIO | None = sys.stderr,
        on_batch: Callable[[BatchOutcome], None] | None = None,
    ):
        self._sqs = sqs
        self._handler = handler
        self._function = function
        self._config = config
        self._log = log
        self._on_batch = on_batch
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for index in range(self._config.maximum_concurrency):
            thread = threading.Thread(target=self._poll, name=f"sqs-poller-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def request_stop(self) -> None:
        """Tell the pollers to stop after their current receive or batch, without waiting."""
        self._stop.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop polling; a batch being processed finishes first (bounded by `timeout`)."""
        self.request_stop()
        deadline = time.monotonic() + (
            timeout
            if timeout is not None
            else self._config.poll_wait_seconds + self._function.timeout_seconds
        )
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._threads = [thread for thread in self._threads if thread.is_alive()]

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._gather_batch()
                if not messages:
                    continue
                if self._stop.is_set():
                    self._release(messages)
                    return
                self._process(messages)
            except (BotoCoreError, ClientError) as error:
                if self._stop.is_set():
                    return
                self._say(f"sqs poller error: {error}")
                self._stop.wait(ERROR_BACKOFF_SECONDS)
            except Exception as error:  # noqa: BLE001 - a dead poller would stall the queue
                self._say(f"sqs poller bug: {type(error).__name__}: {error}")
                self._stop.wait(ERROR_BACKOFF_SECONDS)

    def _gather_batch(self) -> list[dict]:
        config = self._config
        messages = self._receive(config.batch_size, config.poll_wait_seconds)
        if not messages:
            return []
        window_ends = time.monotonic() + config.batching_window_seconds
        while len(messages) < config.batch_size and not self._stop.is_set():
            remaining = window_ends - time.monotonic()
            if remaining <= 0:
                break
            more = self._receive(config.batch_size - len(messages), int(remaining))
            messages.extend(more)
            if not more:
                self._stop.wait(min(remaining, 0.05))
        return messages

    def _receive(self, count: int, wait_seconds: int) -> list[dict]:
        response = self._sqs.receive_message(
            QueueUrl=self._config.queue_url,
            MaxNumberOfMessages=min(count, MAX_RECEIVE_BATCH),
            WaitTimeSeconds=max(0, min(wait_seconds, 20)),
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return response.get("Messages", [])

    def _process(self, messages: list[dict]) -> None:
        started = time.monotonic()
        ids = [message["MessageId"] for message in messages]
        event = {"Records": [to_record(message, self._config) for message in messages]}
        error = None
        try:
            failed = failed_message_ids(invoke(self._handler, event, self._function), ids)
        except InvocationError as invocation_error:
            failed, error = set(ids), f"{invocation_error.error_type}: {invocation_error.message}"
        except MalformedBatchResponse as malformed:
            failed, error = set(ids), f"malformed batch response: {malformed}"
        self._delete([message for message in messages if message["MessageId"] not in failed])
        outcome = BatchOutcome(
            len(messages), len(failed), error, (time.monotonic() - started) * 1000
        )
        self._say(
            f"{self._function.name} batch: {outcome.records} records, {outcome.failed} failed, "
            f"{outcome.duration_ms:.0f}ms" + (f" ({error})" if error else "")
        )
        if self._on_batch is not None:
            self._on_batch(outcome)

    def _delete(self, messages: list[dict]) -> None:
        for start in range(0, len(messages), MAX_RECEIVE_BATCH):
            chunk = messages[start : start + MAX_RECEIVE_BATCH]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._config.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                self._say(f"delete failed: {failure}")

    def _release(self, messages: list[dict]) -> None:
        """Make messages received during shutdown visible again instead of hiding them for the
        whole visibility timeout."""
        for start in range(0, len(messages), MAX_RECEIVE_BATCH):
            chunk = messages[start : start + MAX_RECEIVE_BATCH]
            self._sqs.change_message_visibility_batch(
                QueueUrl=self._config.queue_url,
                Entries=[
                    {
                        "Id": str(index),
                        "ReceiptHandle": message["ReceiptHandle"],
                        "VisibilityTimeout": 0,
                    }
                    for index, message in enumerate(chunk)
                ],
            )

    def _say(self, line: str) -> None:
        if self._log is not None:
            print(line, file=self._log, flush=True)
