"""Forward a poison message to the dead-letter queue, labelled with why it can never succeed."""

from __future__ import annotations

from asyncinfer_shared.contract import ErrorCode

ERROR_CODE_ATTRIBUTE = "error_code"
SOURCE_MESSAGE_ID_ATTRIBUTE = "source_message_id"


class DeadLetterForwarder:
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
