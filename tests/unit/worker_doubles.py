"""What the worker's unit tests call directly: the tiny model and the Lambda context they stand
in with, requests and SQS events as the enqueue function and SQS leave them, readers of the table
and the DLQ, and the probes each measuring one invariant of an SQS handler.

The fixtures built on these (moto's in-process AWS, the tiny model's file, the worker's
environment) are in conftest.py. Everything is real: moto, a TorchScript model loaded by the
worker's own loader, events built from tests/events/sqs_batch.json.
"""

import copy
import io
import json
import logging
import pathlib
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import List  # noqa: UP035 - TorchScript needs typing.List in signatures

import torch
from boto3.dynamodb.types import TypeDeserializer

from asyncinfer_shared.contract import Attr, InferenceMessage, Status, utc_now_iso
from asyncinfer_shared.jsonlog import JsonFormatter, get_logger
from asyncinfer_shared.results_table import epoch_ms
from asyncinfer_worker.model_holder import holder_for
from asyncinfer_worker.settings import CLIENTS

EVENTS = pathlib.Path(__file__).resolve().parents[1] / "events"
TABLE = "asyncinfer-test-results"
MAX_RECEIVE_COUNT = 5
EXPLODE = "__explode__"  # the tiny model raises on any text containing this


class TinySentiment(torch.nn.Module):
    """Same signature as the real model. p(positive) = sigmoid(#"good" - #"bad"); raises on
    EXPLODE. `calls` and `batch_sizes` let tests observe every forward the worker makes."""

    calls: int
    batch_sizes: List[int]  # noqa: UP006
    refused_marker: str

    def __init__(self):
        super().__init__()
        self.refused_marker = EXPLODE
        self.calls = 0
        self.batch_sizes = []

    def forward(self, texts: List[str]) -> torch.Tensor:  # noqa: UP006
        self.calls += 1
        self.batch_sizes.append(len(texts))
        scores: List[float] = []  # noqa: UP006
        for text in texts:
            if self.refused_marker in text:
                raise RuntimeError("tiny model refuses this text")
            scores.append(float(text.count("good") - text.count("bad")))
        positive = torch.sigmoid(torch.tensor(scores, dtype=torch.float32))
        return torch.stack([1.0 - positive, positive], dim=1)


def tiny_probabilities(text: str) -> tuple[float, float]:
    """What TinySentiment must answer for `text`, computed independently of torch."""
    import math

    positive = 1.0 / (1.0 + math.exp(-(text.count("good") - text.count("bad"))))
    return 1.0 - positive, positive


def tiny_module(model_path) -> torch.jit.ScriptModule:
    """The very module the worker loaded for `model_path` (loads it if needed)."""
    return holder_for(str(model_path)).get().module


# -- requests and events -------------------------------------------------------------------


def submitted(
    dynamodb,
    text: str,
    *,
    threshold: float = 0.5,
    submitted_ago_s: float = 0.0,
    expires_in_s: int = 86400,
) -> InferenceMessage:
    """A request as the enqueue function leaves it: a pending item and its message."""
    created = datetime.now(UTC) - timedelta(seconds=submitted_ago_s)
    message = InferenceMessage(
        request_id=str(uuid.uuid4()),
        text=text,
        threshold=threshold,
        submitted_at=utc_now_iso(created),
    )
    dynamodb.put_item(
        TableName=TABLE,
        Item={
            Attr.REQUEST_ID: {"S": message.request_id},
            Attr.STATUS: {"S": Status.PENDING.value},
            Attr.CREATED_AT: {"S": message.submitted_at},
            Attr.EXPIRES_AT: {"N": str(int(time.time()) + expires_in_s)},
        },
    )
    return message


def overwrite(dynamodb, request_id: str, attributes: dict[str, dict]) -> None:
    """Set DynamoDB-typed `attributes` on an item, as another writer would."""
    names = {f"#a{index}": name for index, name in enumerate(attributes)}
    dynamodb.update_item(
        TableName=TABLE,
        Key={Attr.REQUEST_ID: {"S": request_id}},
        UpdateExpression="SET " + ", ".join(f"{name} = :{name[1:]}" for name in names),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={
            f":{name[1:]}": attributes[attribute] for name, attribute in names.items()
        },
    )


def held(dynamodb, request_id: str, lease_in_ms: int, started_at: str) -> None:
    """Leave a request as a delivery that started it once leaves it, holding it `lease_in_ms`
    from now (negative: a lease that ran out, its invocation crashed or timed out)."""
    overwrite(
        dynamodb,
        request_id,
        {
            Attr.STATUS: {"S": Status.PROCESSING.value},
            Attr.STARTED_AT: {"S": started_at},
            Attr.ATTEMPTS: {"N": "1"},
            Attr.LEASE_EXPIRES_AT: {"N": str(epoch_ms() + lease_in_ms)},
        },
    )


class InvocationContext:
    """The part of Lambda's context object the worker reads: the time left to run."""

    def __init__(self, remaining_ms: int):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def before_update_item(hook) -> None:
    """Run `hook(params=...)` before each UpdateItem call of the worker's DynamoDB client: it may
    raise (a failing call) or write to the table itself (another writer getting there first)."""
    CLIENTS.client("dynamodb").meta.events.register(
        "before-parameter-build.dynamodb.UpdateItem", hook
    )


def is_success_write(params) -> bool:
    return ":succeeded" in params["UpdateExpression"]


def another_delivery_succeeds_first(dynamodb, request_id: str, model_version: str) -> dict:
    """Just before the worker writes its result, another delivery stores its own; returns that
    result as the table then holds it."""
    result = {"prediction": "negative", "model_version": model_version}

    def other_delivery_writes(params, **_):
        if is_success_write(params):
            overwrite(
                dynamodb,
                request_id,
                {
                    Attr.STATUS: {"S": Status.SUCCEEDED.value},
                    Attr.RESULT: {"M": {key: {"S": value} for key, value in result.items()}},
                },
            )

    before_update_item(other_delivery_writes)
    return result


def sqs_event(*bodies: str | InferenceMessage, receive_count: int = 1) -> dict:
    """An SQS batch event (shape from tests/events/sqs_batch.json) carrying `bodies`."""
    template = json.loads((EVENTS / "sqs_batch.json").read_text())["Records"][0]
    records = []
    for body in bodies:
        record = copy.deepcopy(template)
        record["messageId"] = str(uuid.uuid4())
        record["body"] = body.to_json() if isinstance(body, InferenceMessage) else body
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return {"Records": records}


def message_ids(event: dict) -> list[str]:
    return [record["messageId"] for record in event["Records"]]


def failed_ids(response: dict) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def stored(dynamodb, request_id: str) -> dict | None:
    item = dynamodb.get_item(
        TableName=TABLE, Key={Attr.REQUEST_ID: {"S": request_id}}, ConsistentRead=True
    ).get("Item")
    if item is None:
        return None
    deserializer = TypeDeserializer()
    return {key: deserializer.deserialize(value) for key, value in item.items()}


def dead_letters(sqs, dlq_url: str) -> list[dict]:
    messages = []
    for _ in range(5):  # bounded: a few receives drain the small test DLQ
        batch = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            break
        messages.extend(batch)
    return messages


@contextmanager
def logged_lines(logger_name: str) -> Iterator[Callable[[], list[str]]]:
    """Every line `logger_name` logs inside the block, as written (JSON text)."""
    stream = io.StringIO()
    sink = logging.StreamHandler(stream)
    sink.setFormatter(JsonFormatter())
    logger = get_logger(logger_name)
    logger.addHandler(sink)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        logger.removeHandler(sink)


# -- probes: each measures one invariant of any SQS handler (ours, or a planted defective one) --


def forwards_made(module, run) -> list[int]:
    """Batch sizes of the forwards `module` ran while `run()` ran."""
    before = len(module.batch_sizes)
    run()
    return list(module.batch_sizes[before:])


def redelivery_probe(handle, module, dynamodb, message) -> tuple[list[int], dict, dict]:
    """Deliver `message` twice: (forwards of the redelivery, item before it, item after it)."""
    handle(sqs_event(message), None)
    before = stored(dynamodb, message.request_id)
    forwards = forwards_made(module, lambda: handle(sqs_event(message, receive_count=2), None))
    return forwards, before, stored(dynamodb, message.request_id)


def copies_probe(handle, module, dynamodb, message) -> SimpleNamespace:
    """Deliver two copies of `message` in one batch: the forwards made, the item after, the
    batch's message ids and the ids reported for retry."""
    event = sqs_event(message, message)
    responses = []
    forwards = forwards_made(module, lambda: responses.append(handle(event, None)))
    return SimpleNamespace(
        forwards=forwards,
        item=stored(dynamodb, message.request_id),
        message_ids=message_ids(event),
        retried=failed_ids(responses[0]),
    )


def status_after_last_receive_failure(handle, dynamodb) -> str:
    """Status of a request whose inference fails on the message's last allowed receive."""
    message = submitted(dynamodb, f"good {EXPLODE}")
    try:
        handle(sqs_event(message, receive_count=MAX_RECEIVE_COUNT), None)
    except Exception:  # noqa: BLE001 - a raising handler fails its batch; the status tells
        pass
    return stored(dynamodb, message.request_id)[Attr.STATUS]
