"""The work queue."""

from __future__ import annotations

from typing import Any

from .aws_errors import unavailable_on_aws_error


class SqsWorkQueue:
    def __init__(self, client: Any, queue_url: str):
        self._client = client
        self._queue_url = queue_url

    def send(self, body: str) -> None:
        with unavailable_on_aws_error("queue"):
            self._client.send_message(QueueUrl=self._queue_url, MessageBody=body)
