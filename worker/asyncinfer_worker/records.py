"""The SQS records of a batch event, as the worker needs them."""

from __future__ import annotations

from dataclasses import dataclass


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
