"""Benchmark inputs: the same texts for both sides, wrapped in real-shaped Lambda events.

The event templates are the repository's sample events (tests/events/), so the handlers see
what API Gateway and the SQS event source mapping send them.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from asyncinfer_local.burst import TEXTS
from asyncinfer_shared.contract import (
    DEFAULT_RESULT_TTL_SECONDS,
    Attr,
    InferenceMessage,
    utc_now_iso,
)
from asyncinfer_shared.results_table import ResultsTable

EVENTS = Path(__file__).resolve().parent.parent / "tests" / "events"
BATCH_WRITE_LIMIT = 25  # DynamoDB BatchWriteItem's limit


@cache
def _template(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def bench_text(index: int) -> str:
    """Short texts of both polarities, each one distinct."""
    return f"{TEXTS[index % len(TEXTS)]} (#{index})"


def submit_event(text: str) -> dict:
    """An API Gateway v2 `POST /predict` event carrying `text`."""
    event = copy.deepcopy(_template("apigw_submit.json"))
    event["body"] = json.dumps({"text": text, "threshold": 0.5})
    event["headers"]["content-length"] = str(len(event["body"].encode()))
    return event


def warm_up_event() -> dict:
    return copy.deepcopy(_template("eventbridge_warmup.json"))


def sqs_event(bodies: list[str], queue_arn: str) -> dict:
    """An SQS batch event (first delivery of each message) as the event source mapping sends."""
    template = _template("sqs_batch.json")["Records"][0]
    sent_ms = str(int(time.time() * 1000))
    records = []
    for body in bodies:
        record = copy.deepcopy(template)
        record.update(
            messageId=str(uuid.uuid4()),
            receiptHandle=uuid.uuid4().hex,
            body=body,
            eventSourceARN=queue_arn,
            awsRegion=queue_arn.split(":")[3],
        )
        record["attributes"].update(
            ApproximateReceiveCount="1",
            SentTimestamp=sent_ms,
            ApproximateFirstReceiveTimestamp=sent_ms,
        )
        records.append(record)
    return {"Records": records}


def stage_pending_requests(dynamodb, table: str, first_index: int, count: int) -> list[str]:
    """Store `count` pending requests exactly as our enqueue function stores them, and return
    the SQS message bodies it would have sent for them (the worker's input).

    The first item is written by the enqueue function's own store; the others are copies of it
    with their own request ids, written 25 at a time (untimed set-up, kept short)."""
    now = datetime.now(UTC)
    submitted_at = utc_now_iso(now)
    request_ids = [str(uuid.uuid4()) for _ in range(count)]
    ResultsTable(dynamodb, table).put_pending(
        request_ids[0], submitted_at, int(now.timestamp()) + DEFAULT_RESULT_TTL_SECONDS
    )
    template = dynamodb.get_item(
        TableName=table, Key={Attr.REQUEST_ID: {"S": request_ids[0]}}, ConsistentRead=True
    )["Item"]
    copies = [{**template, Attr.REQUEST_ID: {"S": request_id}} for request_id in request_ids[1:]]
    for start in range(0, len(copies), BATCH_WRITE_LIMIT):
        requests = [
            {"PutRequest": {"Item": item}} for item in copies[start : start + BATCH_WRITE_LIMIT]
        ]
        while requests:
            answer = dynamodb.batch_write_item(RequestItems={table: requests})
            requests = answer.get("UnprocessedItems", {}).get(table, [])
    return [
        InferenceMessage(
            request_id=request_id,
            text=bench_text(first_index + offset),
            threshold=0.5,
            submitted_at=submitted_at,
        ).to_json()
        for offset, request_id in enumerate(request_ids)
    ]
