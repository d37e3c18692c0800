"""The enqueue function's AWS clients.

Timeouts and retries are tight on purpose: DynamoDB and SQS answer in milliseconds, and when
they do not, a fast 503 with Retry-After serves the client better than a request that hangs
until the function times out (a call gives up after about 7 s at worst: 2 attempts of 1 s
connect + 2 s read, plus backoff).
"""

from __future__ import annotations

from botocore.config import Config

from asyncinfer_shared.aws_clients import ClientCache

CLIENTS = ClientCache(
    Config(connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 2})
)
client = CLIENTS.client
replace_client = CLIENTS.replace
reset = CLIENTS.reset
