"""AWS clients, created once per container on first use and replaceable in tests.

Timeouts and retries are tight on purpose: DynamoDB and SQS answer in milliseconds, and when
they do not, a fast 503 with Retry-After serves the client better than a request that hangs
until the function times out (a call gives up after about 7 s at worst: 2 attempts of 1 s
connect + 2 s read, plus backoff). boto3 honours AWS_ENDPOINT_URL itself (the local stack).
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

CLIENT_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "total_max_attempts": 2},
)

_clients: dict[str, Any] = {}
# Lambda calls one request at a time, but the local stack may serve requests from threads, and
# creating clients from boto3's default session at the same time is not thread-safe.
_creating = threading.Lock()


def client(service: str) -> Any:
    if service not in _clients:
        with _creating:
            if service not in _clients:
                _clients[service] = boto3.client(service, config=CLIENT_CONFIG)
    return _clients[service]


def replace_client(service: str, replacement: Any) -> None:
    """Use `replacement` for `service` from now on (tests)."""
    _clients[service] = replacement


def reset() -> None:
    """Forget every client, so the next use creates a fresh one (tests, between moto mocks)."""
    _clients.clear()
