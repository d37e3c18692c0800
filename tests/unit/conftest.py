"""Fixtures of the unit tests, found by pytest (test modules take them as parameters and
import nothing for them). The helpers tests call directly are in worker_doubles.py (worker) and
enqueue_calls.py (enqueue function).

Worker: `aws` is moto's in-process AWS with the results table and a DLQ, `worker_env` the
worker's environment on it with the tiny TorchScript model. Enqueue: `stack` is a moto account
with the results table and the work queue, the handler's environment pointing at them and fresh
handler clients; `log_lines` what the function logs.
"""

from __future__ import annotations

import io
import json
import logging
import pathlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
import torch
from moto import mock_aws
from worker_doubles import MAX_RECEIVE_COUNT, TABLE, TinySentiment

from asyncinfer_enqueue.settings import CLIENTS as enqueue_clients
from asyncinfer_local.moto_atomic import make_dynamodb_item_operations_atomic
from asyncinfer_shared.contract import Attr
from asyncinfer_shared.jsonlog import JsonFormatter
from asyncinfer_worker.settings import CLIENTS as worker_clients

REPO = pathlib.Path(__file__).resolve().parents[2]
REAL_MODEL = REPO / "worker" / "model" / "artifacts" / "sentiment.pt"
REGION = "eu-west-1"
QUEUE_NAME = "asyncinfer-test-work"
ENQUEUE_LOGGERS = ("asyncinfer.enqueue", "asyncinfer.enqueue.submit")


# -- worker ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("tiny-model") / "tiny-sentiment.pt"
    torch.jit.script(TinySentiment()).save(str(path))
    return path


@pytest.fixture
def tiny_model_path(tiny_model_file, tmp_path) -> pathlib.Path:
    """A fresh copy per test: a new MODEL_PATH gets its own holder, so counters start at zero."""
    path = tmp_path / tiny_model_file.name
    shutil.copyfile(tiny_model_file, path)
    return path


@pytest.fixture
def real_model_path() -> pathlib.Path:
    if not REAL_MODEL.is_file():
        pytest.skip(f"{REAL_MODEL.relative_to(REPO)} is absent: run `make model` (make test does)")
    return REAL_MODEL


@pytest.fixture
def aws(monkeypatch):
    """moto's in-process AWS with the results table, the queue and its DLQ."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    worker_clients.reset()
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": Attr.REQUEST_ID, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": Attr.REQUEST_ID, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs")
        dlq_url = sqs.create_queue(QueueName="asyncinfer-test-dlq")["QueueUrl"]
        yield SimpleNamespace(dynamodb=dynamodb, sqs=sqs, s3=boto3.client("s3"), dlq_url=dlq_url)
    worker_clients.reset()


@pytest.fixture
def atomic_updates(monkeypatch):
    """DynamoDB applies a conditional UpdateItem atomically; moto reads, checks and writes in
    steps without a lock, so two threads can both pass one condition (measured here: 13 of 300
    races). For tests whose subject is that race, moto is made atomic the way the local stack
    makes it, and the change is undone after the test."""
    make_dynamodb_item_operations_atomic(monkeypatch.setattr)


@pytest.fixture
def worker_env(aws, tiny_model_path, monkeypatch):
    monkeypatch.setenv("RESULTS_TABLE", TABLE)
    monkeypatch.setenv("MODEL_PATH", str(tiny_model_path))
    monkeypatch.setenv("MAX_RECEIVE_COUNT", str(MAX_RECEIVE_COUNT))
    monkeypatch.setenv("DLQ_URL", aws.dlq_url)
    monkeypatch.delenv("IO_CONCURRENCY", raising=False)
    return SimpleNamespace(aws=aws, model_path=tiny_model_path)


# -- enqueue function --------------------------------------------------------------------


@dataclass
class Stack:
    dynamodb: Any  # the test's own clients, for seeding and inspecting
    sqs: Any
    table_name: str
    queue_url: str

    def items(self) -> list[dict]:
        table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
        return table.scan(ConsistentRead=True)["Items"]

    def put_item(self, **attributes: Any) -> None:
        """Write an item as the worker would (numbers as Decimal)."""
        table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
        table.put_item(Item=json.loads(json.dumps(attributes), parse_float=Decimal))

    def messages(self) -> list[dict]:
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        return [json.loads(message["Body"]) for message in received.get("Messages", [])]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MAX_BODY_BYTES", "RESULT_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        enqueue_clients.reset()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": Attr.REQUEST_ID, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": Attr.REQUEST_ID, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        monkeypatch.setenv("RESULTS_TABLE", TABLE)
        monkeypatch.setenv("QUEUE_URL", queue_url)
        yield Stack(dynamodb, sqs, TABLE, queue_url)
        enqueue_clients.reset()


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict]]]:
    """Every JSON line the enqueue function logs during the test, parsed."""
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ENQUEUE_LOGGERS]
    for logger in loggers:
        logger.addHandler(capture)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(capture)
