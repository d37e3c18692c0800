"""The results table: every state transition of a request, each one conditional write.

    (none) --put_pending--> pending --fail_pending------------------------> failed
                               |
                               +--start (no live lease)--> processing --succeed--> succeeded
                               |                              |  ^  |
                               |                              |  |  +--fail------> failed
                               |                              |  +-- start again once the
                               |                              |      lease expired (takeover)
                               +--fail / fail_unheld          +--fail_unheld (unheld)-> failed

    put_pending     enqueue: create the item; it must not exist yet.
    fail_pending    enqueue's compensation when the send failed: only while still pending.
    get             enqueue: the item as plain JSON values, read consistently.
    start           worker: pending, or processing with no live lease -> processing, holding a
                    lease until the invocation's deadline (started_at once, attempts + 1).
    release         worker: drop our lease after a transient failure, so the retry starts at once.
    mark_running_alone  worker: note that a suspect of crashing the worker runs on its own.
    succeed         worker: processing -> succeeded (first writer wins).
    fail            worker: any live request -> failed (poison message, last receive).
    fail_unheld     dead-letter drain: a live request no delivery holds -> failed.

A terminal item (succeeded, failed) never moves again, and an item past its TTL counts as gone
(DynamoDB deletes expired items up to ~48 h late). This is what makes the worker idempotent under
SQS's at-least-once delivery and why each accepted request reaches exactly one terminal state.
docs/worker.md explains the lease, takeover and why the final writes do not check the lease.

Reads and writes use the low-level client (lighter to create than a boto3 resource); values go
through one serializer each way: floats become exact Decimals on the way in, Decimals become int
or float on the way out, so nothing outside this module meets a Decimal. AWS errors other than a
refused condition propagate: each function decides what a transient failure means for it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from asyncinfer_shared.contract import TERMINAL_STATUSES, Attr, ErrorCode, Status

# The lease of a start made without a deadline to read (no Lambda context): Lambda's maximum
# timeout, which no invocation outlives.
FALLBACK_LEASE_SECONDS = 900
CONDITION_FAILED_CODE = "ConditionalCheckFailedException"

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()

# An item the worker may still move: present, not terminal, and not past its TTL.
_LIVE = (
    "attribute_exists(#request_id) AND #status IN (:pending, :processing) "
    "AND (attribute_not_exists(#expires_at) OR #expires_at > :now_epoch)"
)
# A live item that no delivery holds: pending, or processing with no lease or an expired one.
_UNHELD = (
    f"{_LIVE} AND (#status = :pending OR attribute_not_exists(#lease_expires_at) "
    "OR #lease_expires_at < :now_ms)"
)


class ConditionFailed(Exception):
    """A transition's condition refused it; `stored` is the item as it was (when asked for)."""

    def __init__(self, stored: dict):
        super().__init__("conditional write refused")
        self.stored = stored


class StartOutcome(StrEnum):
    STARTED = "started"
    ALREADY_TERMINAL = "already_terminal"  # finished, or failed by the enqueue compensation
    GONE = "gone"  # never written, or past its TTL
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


def epoch_ms() -> int:
    return time.time_ns() // 1_000_000


def invocation_deadline_ms(context: object, fallback_seconds: int = FALLBACK_LEASE_SECONDS) -> int:
    """When a lease taken by this invocation ends: epoch milliseconds after which the invocation
    is certainly over. Lambda stops an invocation at its timeout, so after that instant the
    holder has finished or died and another delivery may take the request over. Nothing renews
    a lease: no heartbeat can keep a dead holder's request stuck, and none is needed, since an
    invocation cannot outlive its deadline. Without a Lambda context (a direct call, a script)
    there is no deadline to read: `fallback_seconds` from now."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    remaining_ms = remaining() if callable(remaining) else fallback_seconds * 1000
    return epoch_ms() + int(remaining_ms)


# -- the serializer ------------------------------------------------------------------------


def to_dynamodb(value: Any) -> Any:
    """Python floats become exact Decimals (the DynamoDB serializer refuses floats)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: to_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamodb(item) for item in value]
    return value


def plain_number(value: Any) -> Any:
    """Decimals (recursively) to int when integral, else float: what JSON numbers can carry."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain_number(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain_number(inner) for inner in value]
    return value


def serialize(values: dict) -> dict:
    """Python values to DynamoDB attribute values, key by key."""
    return {name: _SERIALIZER.serialize(to_dynamodb(value)) for name, value in values.items()}


def deserialize(item: dict | None) -> dict:
    """DynamoDB attribute values to plain Python values (no Decimal), key by key."""
    return {
        name: plain_number(_DESERIALIZER.deserialize(value)) for name, value in (item or {}).items()
    }


# -- the table -----------------------------------------------------------------------------


class ResultsTable:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self.table_name = table_name

    # -- enqueue ---------------------------------------------------------------------------

    def put_pending(self, request_id: str, created_at: str, expires_at: int) -> None:
        """Create the pending item. Raises ConditionFailed when it exists already."""
        item = {
            Attr.REQUEST_ID: request_id,
            Attr.STATUS: Status.PENDING.value,
            Attr.CREATED_AT: created_at,
            Attr.ATTEMPTS: 0,
            Attr.EXPIRES_AT: expires_at,
        }
        with _condition_failed():
            self._client.put_item(
                TableName=self.table_name,
                Item=serialize(item),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": Attr.REQUEST_ID},
            )

    def fail_pending(self, request_id: str, error: dict, completed_at: str) -> bool:
        """Mark the item failed if it is still pending. False when it had already moved on."""
        return self._applied(
            request_id,
            update="SET #status = :failed, #error = :error, #completed_at = :now",
            condition="#status = :pending",
            names=_names(Attr.STATUS, Attr.ERROR, Attr.COMPLETED_AT),
            values=serialize(
                {
                    ":failed": Status.FAILED.value,
                    ":pending": Status.PENDING.value,
                    ":error": error,
                    ":now": completed_at,
                }
            ),
        )

    def get(self, request_id: str) -> dict | None:
        """The item as plain JSON values (numbers as int or float), read consistently."""
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({Attr.REQUEST_ID: request_id}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else deserialize(item)

    # -- worker ----------------------------------------------------------------------------

    def start_processing(
        self, request_id: str, now_iso: str, lease_expires_at: int | None = None
    ) -> StartResult:
        """Move a live request that no delivery holds to processing, holding it until
        `lease_expires_at` (epoch ms; default: the fallback lease from now)."""
        now_ms = epoch_ms()
        if lease_expires_at is None:
            lease_expires_at = now_ms + FALLBACK_LEASE_SECONDS * 1000
        try:
            response = self._update(
                request_id,
                update="SET #status = :processing, #started_at = if_not_exists(#started_at, :now), "
                "#lease_expires_at = :lease ADD #attempts :one",
                condition=_UNHELD,
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
                    now_epoch=now_ms // 1000,
                    now_ms=now_ms,
                    lease=lease_expires_at,
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as refused:
            return _refusal(refused.stored, now_ms)
        item = deserialize(response.get("Attributes"))
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

    def mark_succeeded(self, request_id: str, result: dict, metrics: dict, now_iso: str) -> bool:
        """Store the result. False when the request is no longer processing: another delivery
        already finished it, and its outcome stays."""
        return self._applied(
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
        """Fail a live request for good, whatever its lease. False when it is already terminal
        or gone."""
        return self._applied(
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
        except ConditionFailed as refused:
            held = _refusal(refused.stored, now_ms).outcome is StartOutcome.BUSY
            return FailOutcome.HELD if held else FailOutcome.NOT_LIVE
        return FailOutcome.FAILED

    # -- the one conditional update ----------------------------------------------------------

    def _while_holding(
        self, request_id: str, lease_expires_at: int, update: str, names=None, values=None
    ) -> bool:
        """`update` only while the request is processing under exactly our lease."""
        return self._applied(
            request_id,
            update=update,
            condition="#status = :processing AND #lease_expires_at = :lease",
            names={**_names(Attr.STATUS, Attr.LEASE_EXPIRES_AT), **(names or {})},
            values={
                **_values(processing=Status.PROCESSING.value, lease=lease_expires_at),
                **(values or {}),
            },
        )

    def _applied(self, request_id: str, **update) -> bool:
        """True when the update applied, False when its condition refused it."""
        try:
            self._update(request_id, **update)
        except ConditionFailed:
            return False
        return True

    def _update(
        self, request_id: str, *, update: str, condition: str, names: dict, values: dict, **extra
    ) -> dict:
        with _condition_failed():
            return self._client.update_item(
                TableName=self.table_name,
                Key=serialize({Attr.REQUEST_ID: request_id}),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                **extra,
            )


@contextmanager
def _condition_failed() -> Iterator[None]:
    """Turn DynamoDB's refused condition into ConditionFailed; every other error passes."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != CONDITION_FAILED_CODE:
            raise
        raise ConditionFailed(deserialize(error.response.get("Item"))) from error


def _values(**values: Any) -> dict:
    return serialize({f":{name}": value for name, value in values.items()})


def _names(*attributes: str) -> dict:
    return {f"#{attribute}": attribute for attribute in attributes}


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
        "condition": _UNHELD if unheld_only else _LIVE,
        "names": _names(*names),
        "values": _values(**values),
    }


def _refusal(stored: dict, now_ms: int) -> StartResult:
    """Why a start was refused, read from the item as the condition saw it."""
    status = stored.get(Attr.STATUS)
    if status in TERMINAL_STATUSES:
        return StartResult(StartOutcome.ALREADY_TERMINAL, status=status)
    expires_at = stored.get(Attr.EXPIRES_AT)
    lease = stored.get(Attr.LEASE_EXPIRES_AT)
    live = expires_at is None or int(expires_at) > now_ms // 1000
    if live and status == Status.PROCESSING and lease is not None and int(lease) >= now_ms:
        return StartResult(StartOutcome.BUSY, status=status, lease_expires_at=int(lease))
    return StartResult(StartOutcome.GONE, status=status)
