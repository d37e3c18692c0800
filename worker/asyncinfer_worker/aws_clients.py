"""boto3 clients, created lazily and once per container.

boto3 reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, so the same code talks to
AWS, to the local stack, or to moto's in-process mock without a branch here.
"""

from __future__ import annotations

import functools
import threading

import boto3
from botocore.config import Config

# Bounded timeouts so a stuck call fails inside the Lambda timeout and the message is retried,
# instead of the whole batch timing out. Standard retries back off on throttling.
CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 3},
    max_pool_connections=16,  # above the I/O pool size, so threads never wait for a socket
)

_lock = threading.Lock()


@functools.cache
def _create(service_name: str):
    return boto3.session.Session().client(service_name, config=CLIENT_CONFIG)


def client(service_name: str):
    """The container's client for `service_name` (thread-safe to create and to use)."""
    with _lock:
        return _create(service_name)


def forget_clients() -> None:
    """Drop the cached clients, so the next call builds them against the current environment."""
    with _lock:
        _create.cache_clear()
