"""boto3 clients created lazily, once per container, and replaceable in tests.

Each function keeps one ClientCache with the botocore Config that suits its calls (the enqueue
function fails fast into a 503; the worker waits longer and lets SQS retry). boto3 reads
AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, so the same code talks to AWS, to the
local stack or to moto's in-process mock without a branch here.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config


class ClientCache:
    def __init__(self, config: Config):
        self.config = config
        self._clients: dict[str, Any] = {}
        # Clients are thread-safe to use, but creating them (and the session behind them) from
        # several threads at once is not: the worker's I/O pool and the local stack's threaded
        # API server both reach here concurrently.
        self._creating = threading.Lock()
        self._session: boto3.session.Session | None = None

    def client(self, service: str) -> Any:
        """The container's client for `service`, created on first use."""
        found = self._clients.get(service)
        if found is not None:
            return found
        with self._creating:
            if service not in self._clients:
                if self._session is None:
                    self._session = boto3.session.Session()
                self._clients[service] = self._session.client(service, config=self.config)
            return self._clients[service]

    def replace(self, service: str, replacement: Any) -> None:
        """Use `replacement` for `service` from now on (tests)."""
        with self._creating:
            self._clients[service] = replacement

    def reset(self) -> None:
        """Forget every client and the session, so the next use builds them against the
        current environment (tests, between moto mocks)."""
        with self._creating:
            self._clients.clear()
            self._session = None

    def created(self) -> list[str]:
        """The services a client exists for (a cold-start test checks none is made at import)."""
        return sorted(self._clients)
