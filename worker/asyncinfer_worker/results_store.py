"""Status transitions of a request in the results table, each one a conditional UpdateItem.

    pending -> processing (started_at once, attempts + 1) -> succeeded | failed (completed_at)

The conditions make the worker idempotent under SQS's at-least-once delivery: a terminal item is
never moved again, so a redelivered message cannot rerun inference or overwrite an outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from asyncinfer_shared.contract import TERMINAL_STATUSES, Attr, ErrorCode, Status

CONDITION_FAILED = "ConditionalCheckFailedException"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# An item the worker may still move: present, not terminal, and not past its TTL (DynamoDB
# deletes expired items up to ~48 h late, so an expired item counts as gone).
_LIVE_CONDITION = (
    "attribute_exists(#request_id) AND #status IN (:pending, :processing) "
    "AND (attribute_not_exists(#expires_at) OR #expires_at > :now_epoch)"
)


class StartOutcome(StrEnum):
    STARTED = "started"
    ALREADY_TERMINAL = "already_terminal"  # a redelivery of a finished request
    GONE = "gone"  # never written, expired, or deleted by the enqueue side's compensation


@dataclass(frozen=True)
class StartResult:
    outcome: StartOutcome
    started_at: str | None = None
    attempts: int | None = None
    status: str | None = None  # the stored status when the move was refused


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

    def start_processing(self, request_id: str, now_iso: str) -> StartResult:
        """Move a live request to processing. AWS errors (transient) propagate."""
        try:
            response = self._update(
                request_id,
                update="SET #status = :processing, #started_at = if_not_exists(#started_at, :now) "
                "ADD #attempts :one",
                condition=_LIVE_CONDITION,
                names=_names(
                    Attr.REQUEST_ID, Attr.STATUS, Attr.STARTED_AT, Attr.ATTEMPTS, Attr.EXPIRES_AT
                ),
                values=_values(
                    pending=Status.PENDING.value,
                    processing=Status.PROCESSING.value,
                    now=now_iso,
                    one=1,
                    now_epoch=int(time.time()),
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except _ConditionFailed as refused:
            status = refused.stored.get(Attr.STATUS)
            if status in TERMINAL_STATUSES:
                return StartResult(StartOutcome.ALREADY_TERMINAL, status=status)
            return StartResult(StartOutcome.GONE, status=status)
        item = _plain(response.get("Attributes"))
        return StartResult(
            StartOutcome.STARTED,
            started_at=item.get(Attr.STARTED_AT),
            attempts=int(item.get(Attr.ATTEMPTS, 0)),
            status=Status.PROCESSING.value,
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
            request_id,
            update="SET #status = :failed, #error = :error, #completed_at = :now",
            condition=_LIVE_CONDITION,
            names=_names(
                Attr.REQUEST_ID, Attr.STATUS, Attr.ERROR, Attr.COMPLETED_AT, Attr.EXPIRES_AT
            ),
            values=_values(
                failed=Status.FAILED.value,
                pending=Status.PENDING.value,
                processing=Status.PROCESSING.value,
                error={"code": code.value, "message": message},
                now=now_iso,
                now_epoch=int(time.time()),
            ),
        )

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


class _ConditionFailed(Exception):
    """The update's condition refused it; `stored` is the item as it was (when asked for)."""

    def __init__(self, stored: dict):
        super().__init__("conditional update refused")
        self.stored = stored
