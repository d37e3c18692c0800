"""Seed-style worker (the chapter's pattern): torch at module level, a lazily loaded global model,
one model call per message and one sequential, unconditional `put_item` per message. No
processing state, no idempotency, no partial batch response."""

import json
import os
from decimal import Decimal

import boto3
import torch

from asyncinfer_shared.contract import Attr, Status, prediction_result, utc_now_iso

dynamodb = boto3.resource("dynamodb")
RESULTS_TABLE = os.environ["RESULTS_TABLE"]
MODEL_VERSION = os.environ.get("MODEL_VERSION", "1.0.0")
_model = None


def get_model():
    global _model
    if _model is None:
        _model = torch.jit.load(os.environ["MODEL_PATH"])
        _model.eval()
    return _model


def handler(event, context):
    if event.get("source") == "aws.events":
        get_model()
        return {"statusCode": 200, "body": "warm"}
    model = get_model()
    table = dynamodb.Table(RESULTS_TABLE)
    for record in event["Records"]:
        message = json.loads(record["body"])
        with torch.no_grad():
            p_negative, p_positive = model([message["text"]])[0].tolist()
        result = prediction_result(p_negative, p_positive, message["threshold"], MODEL_VERSION)
        table.put_item(
            Item={
                Attr.REQUEST_ID: message["request_id"],
                Attr.STATUS: Status.SUCCEEDED.value,
                Attr.RESULT: json.loads(json.dumps(result), parse_float=Decimal),
                Attr.COMPLETED_AT: utc_now_iso(),
            }
        )
    return {"statusCode": 200}
