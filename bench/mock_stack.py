"""The stack inside moto's in-process mock, for handler benchmarks.

Resources come from the local stack's own provisioning (the same settings Terraform uses), and
the functions get the environment Terraform gives them. Handlers are invoked the way the Lambda
runtime invokes them (`asyncinfer_local.lambda_runtime.invoke`: JSON round trip, context).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from moto import mock_aws

from asyncinfer_local.aws import DUMMY_CREDENTIALS, Endpoint
from asyncinfer_local.lambda_runtime import FunctionConfig
from asyncinfer_local.provision import Resources, provision
from asyncinfer_local.settings import load_settings

REGION = "us-east-1"
NAME_PREFIX = "bench"
# Handler logs go to stdout; thousands of INFO lines would bury the benchmark's own output.
HANDLER_LOG_LEVEL = "WARNING"


@dataclass(frozen=True)
class MockStack:
    resources: Resources
    dynamodb: Any
    sqs: Any
    enqueue_function: FunctionConfig
    worker_function: FunctionConfig

    def drain_queue(self, limit: int) -> int:
        """Receive and delete every message of the work queue (at most `limit`); return how
        many there were. moto's SQS gets slower as a queue grows, so every measurement starts
        from an empty queue (PurgeQueue is allowed only once a minute)."""
        url, drained = self.resources.queue_url, 0
        for _ in range(limit // 10 + 2):
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                break
            self.sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(messages)
                ],
            )
            drained += len(messages)
        return drained


def function_environment(resources: Resources, model_path: Path, max_receive_count: int) -> dict:
    """The variables Terraform sets on the two functions (both read what they need)."""
    return {
        "RESULTS_TABLE": resources.results_table,
        "QUEUE_URL": resources.queue_url,
        "MODEL_PATH": str(model_path),
        "MAX_RECEIVE_COUNT": str(max_receive_count),
        "DLQ_URL": resources.dlq_url,
        "LOG_LEVEL": HANDLER_LOG_LEVEL,
    }


def aws_environment() -> dict:
    """Dummy credentials and a region; no endpoint override, so boto3 goes to moto's mock."""
    return {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}


@contextmanager
def mocked_stack(model_path: Path) -> Iterator[MockStack]:
    """Provisioned queue, DLQ and table in moto's in-process mock, with the functions'
    environment set. Everything is undone on exit."""
    settings = load_settings()
    with mock.patch.dict(os.environ, aws_environment()), mock_aws():
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            os.environ.pop(name, None)
        endpoint = Endpoint(None, REGION, dummy_credentials=True)
        resources = provision(endpoint, settings, NAME_PREFIX)
        os.environ.update(function_environment(resources, model_path, settings.max_receive_count))
        yield MockStack(
            resources=resources,
            dynamodb=endpoint.client("dynamodb"),
            sqs=endpoint.client("sqs"),
            enqueue_function=_function(settings, "enqueue"),
            worker_function=_function(settings, "worker"),
        )


def _function(settings: Any, role: str) -> FunctionConfig:
    return FunctionConfig(
        name=f"{NAME_PREFIX}-{role}",
        timeout_seconds=settings.get(f"{role}.timeout_seconds"),
        memory_size_mb=settings.get(f"{role}.memory_size_mb"),
        region=REGION,
    )
