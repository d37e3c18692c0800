"""Postpone a received message's next delivery: SQS ChangeMessageVisibility on its own queue.

With ReportBatchItemFailures a message to retry comes back after the queue's visibility timeout
(at least 6x the worker timeout: minutes). A copy that only waits for another delivery to finish
should come back much sooner; the worker's role may change visibility on its queue.
"""

from __future__ import annotations

from asyncinfer_worker.records import SqsRecord


class RedeliveryScheduler:
    def __init__(self, sqs_client):
        self._client = sqs_client

    def postpone(self, record: SqsRecord, seconds: int) -> None:
        """Make `record` visible again in `seconds`. Raises ValueError for a record without a
        queue ARN or receipt handle, and the client's errors when SQS refuses."""
        if not record.receipt_handle:
            raise ValueError("the record has no receipt handle")
        self._client.change_message_visibility(
            QueueUrl=queue_url(record.event_source_arn, self._client.meta.endpoint_url),
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=seconds,
        )


def queue_url(queue_arn: str, endpoint_url: str) -> str:
    """arn:aws:sqs:<region>:<account>:<name> -> <endpoint>/<account>/<name>.

    Built rather than looked up: the role has no sqs:GetQueueUrl, and the client's endpoint is
    the one it calls anyway (AWS, or AWS_ENDPOINT_URL for the local stack)."""
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not all(parts[4:]):
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    account, name = parts[4], parts[5]
    return f"{endpoint_url.rstrip('/')}/{account}/{name}"
