"""The two small ports the use cases talk to. The AWS adapters are `dynamodb_store.ResultsTable`
and `sqs_queue.SqsWorkQueue`; either raises `errors.Unavailable` when its service fails."""

from __future__ import annotations

from typing import Protocol


class ResultsStore(Protocol):
    def put_pending(self, request_id: str, created_at: str, expires_at: int) -> None:
        """Create the pending item; it must not exist yet."""

    def fail_pending(self, request_id: str, error: dict, completed_at: str) -> bool:
        """Mark the item failed if it is still pending. False when it had already moved on."""

    def get(self, request_id: str) -> dict | None:
        """The item as plain JSON values (numbers as int or float), read consistently."""


class WorkQueue(Protocol):
    def send(self, body: str) -> None:
        """Queue one message body."""
