"""The worker's AWS clients.

Bounded timeouts so a stuck call fails inside the Lambda timeout and the message is retried,
instead of the whole batch timing out. Standard retries back off on throttling.
"""

from __future__ import annotations

from botocore.config import Config

from asyncinfer_shared.aws_clients import ClientCache

CLIENTS = ClientCache(
    Config(
        connect_timeout=3,
        read_timeout=10,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=16,  # above the I/O pool size, so threads never wait for a socket
    )
)
client = CLIENTS.client
forget_clients = CLIENTS.reset
