"""Create the stack's queue, dead-letter queue, results table and model object, idempotently:
running it again converges an existing stack to the current settings instead of failing."""

from __future__ import annotations

import hashlib
import json
import pathlib
from dataclasses import asdict, dataclass
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from .aws import Endpoint
from .settings import Settings

BUCKET_EXISTS = ("BucketAlreadyOwnedByYou", "BucketAlreadyExists")


@dataclass(frozen=True)
class Resources:
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str
    results_table: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def provision(endpoint: Endpoint, settings: Settings, name_prefix: str) -> Resources:
    sqs = endpoint.client("sqs")
    dlq_url = _ensure_queue(
        sqs,
        f"{name_prefix}-requests-dlq",
        {
            "MessageRetentionPeriod": settings.get("queue.dlq_message_retention_seconds"),
            "VisibilityTimeout": settings.get("queue.dlq_visibility_timeout_seconds"),
        },
    )
    dlq_arn = _queue_arn(sqs, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.max_receive_count}
    queue_url = _ensure_queue(
        sqs,
        f"{name_prefix}-requests",
        {
            "VisibilityTimeout": settings.visibility_timeout_seconds,
            "MessageRetentionPeriod": settings.get("queue.message_retention_seconds"),
            "ReceiveMessageWaitTimeSeconds": settings.get("queue.receive_wait_time_seconds"),
            "RedrivePolicy": json.dumps(redrive),
        },
    )
    table = f"{name_prefix}-results"
    _ensure_table(
        endpoint.client("dynamodb"), table, settings.get("results.hash_key"), settings.ttl_attribute
    )
    return Resources(queue_url, _queue_arn(sqs, queue_url), dlq_url, dlq_arn, table)


def upload_model(endpoint: Endpoint, model_url: str, model_file: pathlib.Path) -> None:
    """Put `model_file` at s3://bucket/key unless an object with the same sha256 is there."""
    parsed = urlparse(model_url)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    if parsed.scheme != "s3" or not bucket or not key:
        raise ValueError(f"MODEL_PATH {model_url!r} is not s3://bucket/key.")
    body = model_file.read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    s3 = endpoint.client("s3")
    try:
        if endpoint.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": endpoint.region}
            )
    except ClientError as error:
        if error.response["Error"]["Code"] not in BUCKET_EXISTS:
            raise
    try:
        existing = s3.head_object(Bucket=bucket, Key=key)["Metadata"].get("sha256")
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
        existing = None
    if existing != digest:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            Metadata={"sha256": digest},
            ServerSideEncryption="AES256",
        )


def _ensure_queue(sqs, name: str, attributes: dict) -> str:
    wanted = {key: str(value) for key, value in attributes.items()}
    wanted["SqsManagedSseEnabled"] = "true"
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as error:
        if error.response["Error"]["Code"] not in (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        ):
            raise
        return sqs.create_queue(QueueName=name, Attributes=wanted)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes=wanted)
    return url


def _queue_arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def _ensure_table(dynamodb, name: str, hash_key: str, ttl_attribute: str) -> None:
    try:
        dynamodb.describe_table(TableName=name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": hash_key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": hash_key, "KeyType": "HASH"}],
            SSESpecification={"Enabled": True},
        )
        dynamodb.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
        )
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute},
        )
