"""The results table, behind the `ResultsStore` port.

Uses the low-level client (lighter to create than a boto3 resource) and converts DynamoDB's
Decimal numbers to int or float on the way out, so nothing downstream meets a Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from asyncinfer_shared.contract import Attr, Status

from .aws_errors import unavailable_on_aws_error

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
TABLE = "results_table"
CONDITION_FAILED = "ConditionalCheckFailedException"


class ResultsTable:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def put_pending(self, request_id: str, created_at: str, expires_at: int) -> None:
        item = {
            Attr.REQUEST_ID: request_id,
            Attr.STATUS: Status.PENDING.value,
            Attr.CREATED_AT: created_at,
            Attr.ATTEMPTS: 0,
            Attr.EXPIRES_AT: expires_at,
        }
        with unavailable_on_aws_error(TABLE):
            self._client.put_item(
                TableName=self._table,
                Item=_serialize(item),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": Attr.REQUEST_ID},
            )

    def fail_pending(self, request_id: str, error: dict, completed_at: str) -> bool:
        try:
            with unavailable_on_aws_error(TABLE, passthrough_code=CONDITION_FAILED):
                self._client.update_item(
                    TableName=self._table,
                    Key=_serialize({Attr.REQUEST_ID: request_id}),
                    UpdateExpression="SET #status = :failed, #error = :error, #completed = :at",
                    ConditionExpression="#status = :pending",
                    ExpressionAttributeNames={
                        "#status": Attr.STATUS,
                        "#error": Attr.ERROR,
                        "#completed": Attr.COMPLETED_AT,
                    },
                    ExpressionAttributeValues=_serialize(
                        {
                            ":failed": Status.FAILED.value,
                            ":pending": Status.PENDING.value,
                            ":error": error,
                            ":at": completed_at,
                        }
                    ),
                )
        except ClientError:  # the condition failed: a worker already moved the item on
            return False
        return True

    def get(self, request_id: str) -> dict | None:
        with unavailable_on_aws_error(TABLE):
            response = self._client.get_item(
                TableName=self._table,
                Key=_serialize({Attr.REQUEST_ID: request_id}),
                ConsistentRead=True,
            )
        item = response.get("Item")
        if item is None:
            return None
        return {
            name: plain_number(_DESERIALIZER.deserialize(value)) for name, value in item.items()
        }


def plain_number(value: Any) -> Any:
    """Decimals (recursively) to int when integral, else float: what JSON numbers can carry."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain_number(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain_number(inner) for inner in value]
    return value


def _serialize(values: dict) -> dict:
    return {name: _SERIALIZER.serialize(value) for name, value in values.items()}
