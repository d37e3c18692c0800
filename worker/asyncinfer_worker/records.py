"""The worker's side of SQS: the records of a batch event in, a poison message out to the DLQ."""

from __future__ import annotations

from dataclasses import dataclass

from asyncinfer_shared.contract import ErrorCode

ERROR_CODE_ATTRIBUTE = "error_code"
SOURCE_MESSAGE_ID_ATTRIBUTE = "source_message_id"


@dataclass(frozen=True)
class SqsRecord:
    message_id: str
    body: str
    receive_count: int
    receipt_handle: str = ""
    event_source_arn: str = ""  # the queue's ARN

    @classmethod
    def from_event_record(cls, record: dict) -> SqsRecord:
        attributes = record.get("attributes") or {}
        try:
            receive_count = int(attributes.get("ApproximateReceiveCount", 1))
        except (TypeError, ValueError):
            receive_count = 1
        return cls(
            message_id=record["messageId"],
            body=_text(record.get("body")),
            receive_count=receive_count,
            receipt_handle=_text(record.get("receiptHandle")),
            event_source_arn=_text(record.get("eventSourceARN")),
        )

    def is_last_receive(self, max_receive_count: int) -> bool:
        """True when SQS will move this message to the DLQ instead of delivering it again."""
        return self.receive_count >= max_receive_count


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def records_of(event: dict) -> list[SqsRecord]:
    return [SqsRecord.from_event_record(record) for record in event.get("Records") or []]


class PoisonForwarder:
    """Forward a poison message to the dead-letter queue, labelled with why it can never succeed."""

    def __init__(self, dlq_url: str, sqs_client):
        self.dlq_url = dlq_url
        self._client = sqs_client

    def forward(self, body: str, error_code: ErrorCode, source_message_id: str) -> str:
        """Send the original body unchanged; returns the DLQ message id. Raises on failure."""
        response = self._client.send_message(
            QueueUrl=self.dlq_url,
            MessageBody=body,
            MessageAttributes={
                ERROR_CODE_ATTRIBUTE: {"DataType": "String", "StringValue": error_code.value},
                SOURCE_MESSAGE_ID_ATTRIBUTE: {
                    "DataType": "String",
                    "StringValue": source_message_id,
                },
            },
        )
        return response["MessageId"]
