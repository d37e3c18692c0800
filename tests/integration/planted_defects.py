"""A worker handler with planted defects, run by a local stack (`--worker-handler`) to show that
the suite's checks catch what they guard. A marker in the request text picks the defect, so one
stack serves every case and the real handler does the rest:

    LOSE   the record is acknowledged without being processed (a lost message)
    RERUN  the request is reset to pending first, so a redelivery reruns inference
"""

from __future__ import annotations

import json
import os

import boto3

from asyncinfer_shared.contract import Attr, Status
from asyncinfer_worker.handler import handler as real_handler

LOSE = "[planted:lose]"
RERUN = "[planted:rerun]"


def handler(event: dict, context) -> dict:
    records = event.get("Records") or []
    kept = [record for record in records if LOSE not in _text(record)]
    for record in kept:
        if RERUN in _text(record):
            _reset_to_pending(json.loads(record["body"])["request_id"])
    return real_handler({**event, "Records": kept}, context)


def _text(record: dict) -> str:
    try:
        return str(json.loads(record["body"]).get("text", ""))
    except (ValueError, AttributeError):
        return ""


def _reset_to_pending(request_id: str) -> None:
    boto3.client("dynamodb").update_item(
        TableName=os.environ["RESULTS_TABLE"],
        Key={Attr.REQUEST_ID: {"S": request_id}},
        UpdateExpression="SET #status = :pending",
        ExpressionAttributeNames={"#status": Attr.STATUS},
        ExpressionAttributeValues={":pending": {"S": Status.PENDING.value}},
    )
