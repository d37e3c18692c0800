"""Status transitions of a request in the results table, each one a conditional UpdateItem.

    pending -> processing (started_at once, attempts + 1, lease)
            -> succeeded | failed (completed_at)

The conditions make the worker idempotent under SQS's at-least-once delivery: a terminal item is
never moved again, so a redelivered message cannot rerun inference or overwrite an outcome.

Copies of a message delivered at the same time (one batch, or two invocations) need more: both
find the request live. Processing -> processing must stay possible, or an invocation that crashed
or timed out would leave its request processing forever; so the start is admitted only while no
other delivery holds the request's lease. A lease ends at its holder's invocation deadline
(lease.py), so a live lease means the holder may still finish it, and an expired one means the
holder runs no more. DynamoDB evaluates each condition atomically, so of any number of copies
racing to start, exactly one is admitted; the others are told BUSY and come back later, when they
find the request terminal (acknowledged) or the lease expired (they take over).

The final writes deliberately do not check the lease: first writer wins. A lease can run out
while its holder still runs only if clocks disagree or the holder had no Lambda context (the
fallback lease). Then the taker and the slow holder both infer from the same message, the first
outcome is stored and the second write is refused and acknowledged: one terminal state, one
extra inference. Requiring the lease there would throw away a correct result and cost a retry.
For the same reason a failure on the last receive is written whatever the lease: "failed once"
beats "processing forever", even in the rare case where a live holder then loses its result.
A delivery that gives up on a transient failure releases its lease, so the retry SQS sends need
not wait for the invocation's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from asyncinfer_shared.contract import TERMINAL_STATUSES, Attr, ErrorCode, Status
from asyncinfer_worker.lease import epoch_ms, invocation_deadline_ms
from asyncinfer_worker.settings import DEFAULT_LEASE_FALLBACK_SECONDS

CONDITION_FAILED = "ConditionalCheckFailedException"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# An item the worker may still move: present, not terminal, and not past its TTL (DynamoDB
# deletes expired items up to ~48 h late, so an expired item counts as gone).
_LIVE_CONDITION = (
    "attribute_exists(#request_id) AND #status IN (:pending, :processing) "
    "AND (attribute_not_exists(#expires_at) OR #expires_at > :now_epoch)"
)
# A live item that no delivery holds: pending, or processing with no lease or an expired one.
_ADMIT_CONDITION = (
    f"{_LIVE_CONDITION} AND (#status = :pending OR attribute_not_exists(#lease_expires_at) "
    "OR #lease_expires_at < :now_ms)"
)


class StartOutcome(StrEnum):
    STARTED = "started"
    ALREADY_TERMINAL = "already_terminal"  # a redelivery of a finished request
    GONE = "gone"  # never written, expired, or deleted by the enqueue side's compensation
    BUSY = "busy"  # processing, and another delivery's lease is live


class FailOutcome(StrEnum):
    FAILED = "failed"
    HELD = "held"  # processing under another delivery's live lease
    NOT_LIVE = "not_live"  # already terminal, expired or gone


@dataclass(frozen=True)
class StartResult:
    outcome: StartOutcome
    started_at: str | None = None
    attempts: int | None = None
    status: str | None = None  # the stored status when the move was refused
    lease_expires_at: int | None = None  # epoch ms: ours when STARTED, the holder's when BUSY
    ran_alone_before: bool = False  # an earlier delivery ran it alone (and never finished it)


def to_dynamodb(value: Any) -> Any:
    """Python floats become Decimals (the DynamoDB serializer refuses floats)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: to_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamodb(item) for item in value]
    return value


def _values(**values: Any) -> dict:
    return {f":{name}": _serializer.serialize(to_dynamodb(value)) for name, value in values.items()}


def _names(*attributes: str) -> dict:
    return {f"#{attribute}": attribute for attribute in attributes}


def _plain(item: dict | None) -> dict:
    return {key: _deserializer.deserialize(value) for key, value in (item or {}).items()}


class ResultsStore:
    def __init__(self, table_name: str, dynamodb_client):
        self.table_name = table_name
        self._client = dynamodb_client

    def start_processing(
        self, request_id: str, now_iso: str, lease_expires_at: int | None = None
    ) -> StartResult:
        """Move a live request that no delivery holds to processing, holding it until
        `lease_expires_at` (epoch ms; default: the fallback lease from now). AWS errors
        (transient) propagate."""
        if lease_expires_at is None:
            lease_expires_at = invocation_deadline_ms(None, DEFAULT_LEASE_FALLBACK_SECONDS)
        now_ms = epoch_ms()
        now_epoch = now_ms // 1000
        try:
            response = self._update(
                request_id,
                update="SET #status = :processing, #started_at = if_not_exists(#started_at, :now), "
                "#lease_expires_at = :lease ADD #attempts :one",
                condition=_ADMIT_CONDITION,
                names=_names(
                    Attr.REQUEST_ID,
                    Attr.STATUS,
                    Attr.STARTED_AT,
                    Attr.ATTEMPTS,
                    Attr.EXPIRES_AT,
                    Attr.LEASE_EXPIRES_AT,
                ),
                values=_values(
                    pending=Status.PENDING.value,
                    processing=Status.PROCESSING.value,
                    now=now_iso,
                    one=1,
                    now_epoch=now_epoch,
                    now_ms=now_ms,
                    lease=lease_expires_at,
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except _ConditionFailed as refused:
            return _refusal(refused.stored, now_ms, now_epoch)
        item = _plain(response.get("Attributes"))
        return StartResult(
            StartOutcome.STARTED,
            started_at=item.get(Attr.STARTED_AT),
            attempts=int(item.get(Attr.ATTEMPTS, 0)),
            status=Status.PROCESSING.value,
            lease_expires_at=lease_expires_at,
            ran_alone_before=Attr.RAN_ALONE_AT in item,
        )

    def release(self, request_id: str, lease_expires_at: int) -> bool:
        """Give up our hold on a request still processing, so its retry may start at once.
        False when the lease is no longer ours (taken over, or the request finished)."""
        return self._while_holding(request_id, lease_expires_at, "REMOVE #lease_expires_at")

    def mark_running_alone(self, request_id: str, lease_expires_at: int, now_iso: str) -> bool:
        """Record that this delivery starts the request's inference on its own. False when the
        lease is no longer ours."""
        return self._while_holding(
            request_id,
            lease_expires_at,
            "SET #ran_alone_at = :now",
            names=_names(Attr.RAN_ALONE_AT),
            values=_values(now=now_iso),
        )

    def _while_holding(
        self, request_id: str, lease_expires_at: int, update: str, names=None, values=None
    ) -> bool:
        """`update` only while the request is processing under exactly our lease."""
        return self._conditional_update(
            request_id,
            update=update,
            condition="#status = :processing AND #lease_expires_at = :lease",
            names={**_names(Attr.STATUS, Attr.LEASE_EXPIRES_AT), **(names or {})},
            values={
                **_values(processing=Status.PROCESSING.value, lease=lease_expires_at),
                **(values or {}),
            },
        )

    def mark_succeeded(self, request_id: str, result: dict, metrics: dict, now_iso: str) -> bool:
        """Store the result. False when the request is no longer processing: another delivery
        already finished it, and its outcome stays."""
        return self._conditional_update(
            request_id,
            update="SET #status = :succeeded, #result = :result, "
            "#completed_at = :now, #metrics = :metrics",
            condition="#status = :processing",
            names=_names(Attr.STATUS, Attr.RESULT, Attr.COMPLETED_AT, Attr.METRICS),
            values=_values(
                succeeded=Status.SUCCEEDED.value,
                processing=Status.PROCESSING.value,
                result=result,
                now=now_iso,
                metrics=metrics,
            ),
        )

    def mark_failed(self, request_id: str, code: ErrorCode, message: str, now_iso: str) -> bool:
        """Fail a live request for good. False when it is already terminal or gone."""
        return self._conditional_update(
            request_id, **_failure(code, message, now_iso, epoch_ms(), unheld_only=False)
        )

    def fail_unheld(
        self, request_id: str, code: ErrorCode, message: str, now_iso: str
    ) -> FailOutcome:
        """Fail a live request that no delivery holds: pending, or processing with no live
        lease (the dead-letter drain). HELD when a delivery's lease is still live: that
        delivery may yet finish the request, so it is not failed under it."""
        now_ms = epoch_ms()
        try:
            self._update(
                request_id,
                **_failure(code, message, now_iso, now_ms, unheld_only=True),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except _ConditionFailed as refused:
            held = _refusal(refused.stored, now_ms, now_ms // 1000).outcome is StartOutcome.BUSY
            return FailOutcome.HELD if held else FailOutcome.NOT_LIVE
        return FailOutcome.FAILED

    def _conditional_update(self, request_id: str, **update) -> bool:
        """True when the update applied, False when its condition refused it."""
        try:
            self._update(request_id, **update)
        except _ConditionFailed:
            return False
        return True

    def _update(
        self, request_id: str, *, update: str, condition: str, names: dict, values: dict, **extra
    ) -> dict:
        try:
            return self._client.update_item(
                TableName=self.table_name,
                Key={Attr.REQUEST_ID: {"S": request_id}},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                **extra,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == CONDITION_FAILED:
                raise _ConditionFailed(_plain(error.response.get("Item"))) from error
            raise


def _failure(
    code: ErrorCode, message: str, now_iso: str, now_ms: int, *, unheld_only: bool
) -> dict:
    """The move to failed of a live request; `unheld_only`: only if no delivery holds it."""
    names = [Attr.REQUEST_ID, Attr.STATUS, Attr.ERROR, Attr.COMPLETED_AT, Attr.EXPIRES_AT]
    values = {
        "failed": Status.FAILED.value,
        "pending": Status.PENDING.value,
        "processing": Status.PROCESSING.value,
        "error": {"code": code.value, "message": message},
        "now": now_iso,
        "now_epoch": now_ms // 1000,
    }
    if unheld_only:  # DynamoDB refuses names and values an expression does not use
        names.append(Attr.LEASE_EXPIRES_AT)
        values["now_ms"] = now_ms
    return {
        "update": "SET #status = :failed, #error = :error, #completed_at = :now",
        "condition": _ADMIT_CONDITION if unheld_only else _LIVE_CONDITION,
        "names": _names(*names),
        "values": _values(**values),
    }


def _refusal(stored: dict, now_ms: int, now_epoch: int) -> StartResult:
    """Why the start was refused, read from the item as the condition saw it."""
    status = stored.get(Attr.STATUS)
    if status in TERMINAL_STATUSES:
        return StartResult(StartOutcome.ALREADY_TERMINAL, status=status)
    expires_at = stored.get(Attr.EXPIRES_AT)
    lease = stored.get(Attr.LEASE_EXPIRES_AT)
    live = expires_at is None or int(expires_at) > now_epoch
    if live and status == Status.PROCESSING and lease is not None and int(lease) >= now_ms:
        return StartResult(StartOutcome.BUSY, status=status, lease_expires_at=int(lease))
    return StartResult(StartOutcome.GONE, status=status)


class _ConditionFailed(Exception):
    """The update's condition refused it; `stored` is the item as it was (when asked for)."""

    def __init__(self, stored: dict):
        super().__init__("conditional update refused")
        self.stored = stored
