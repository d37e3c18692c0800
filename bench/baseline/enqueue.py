"""Seed-style enqueue (the chapter's `lambda/enqueue.py` pattern): module-level clients, no input
validation, put the pending item then send the message, no compensation if sending fails."""

import json
import os
import time
import uuid

import boto3

from asyncinfer_shared.contract import (
    DEFAULT_RESULT_TTL_SECONDS,
    DEFAULT_THRESHOLD,
    Attr,
    InferenceMessage,
    Status,
    utc_now_iso,
)

sqs = boto3.client("sqs")
dynamodb = boto3.resource("dynamodb")
QUEUE_URL = os.environ["QUEUE_URL"]
RESULTS_TABLE = os.environ["RESULTS_TABLE"]


def handler(event, context):
    method = event.get("requestContext", {}).get("http", {}).get("method")
    path = event.get("rawPath", "")
    if method == "POST" and "/predict" in path:
        return submit_request(event)
    return {"statusCode": 404, "body": "Not found"}


def submit_request(event):
    body = json.loads(event.get("body", "{}"))
    request_id = str(uuid.uuid4())
    created_at = utc_now_iso()
    dynamodb.Table(RESULTS_TABLE).put_item(
        Item={
            Attr.REQUEST_ID: request_id,
            Attr.STATUS: Status.PENDING.value,
            Attr.CREATED_AT: created_at,
            Attr.EXPIRES_AT: int(time.time()) + DEFAULT_RESULT_TTL_SECONDS,
        }
    )
    message = InferenceMessage(
        request_id=request_id,
        text=body.get("text"),
        threshold=body.get("threshold", DEFAULT_THRESHOLD),
        submitted_at=created_at,
    )
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=message.to_json())
    return {
        "statusCode": 202,
        "body": json.dumps(
            {"request_id": request_id, "status": "pending", "poll_url": f"/status/{request_id}"}
        ),
    }
