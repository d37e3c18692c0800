"""What every function needs from its runtime, the same way in each: settings read from the
environment, boto3 clients created lazily once per container, and the cold-start flag.

Settings: a missing or malformed one is a deployment bug; the function raises SettingsError,
which names the variable, instead of guessing a table name.

Clients: each function keeps one ClientCache with the botocore Config that suits its calls (the
enqueue function fails fast into a 503; the worker waits longer and lets SQS retry). boto3 reads
AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, so the same code talks to AWS, to the
local stack or to moto's in-process mock without a branch here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

# -- settings ----------------------------------------------------------------------------------


class SettingsError(RuntimeError):
    """The function is misconfigured: nothing can be served until it is fixed."""


def environment(environ: Mapping[str, str] | None, *required: str) -> Mapping[str, str]:
    """`environ` (os.environ unless given), once every one of the `required` names is set in it."""
    env = os.environ if environ is None else environ
    missing = [name for name in required if not env.get(name)]
    if missing:
        raise SettingsError(f"Missing required environment variables: {', '.join(missing)}")
    return env


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """The variable as an integer of at least 1; `default` when it is unset or empty."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}")
    return value


# -- clients -----------------------------------------------------------------------------------


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


# -- cold start --------------------------------------------------------------------------------


class ColdStart:
    """Whether this invocation is the container's first: the `cold_start` field of a function's
    lines. Lambda runs one invocation at a time per container; the lock is for the local stack,
    whose threaded API server calls one handler from several threads."""

    def __init__(self) -> None:
        self._first = True
        self._lock = threading.Lock()

    def take(self) -> bool:
        """True on the first call in this process, False on every later one."""
        with self._lock:
            first, self._first = self._first, False
        return first
