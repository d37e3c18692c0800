"""The worker's and the drain's configuration, read from the functions' environment, and their
AWS clients.

The clients' timeouts are bounded so a stuck call fails inside the Lambda timeout and the
message is retried, instead of the whole batch timing out. Standard retries back off on
throttling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from botocore.config import Config

from asyncinfer_shared.results_table import FALLBACK_LEASE_SECONDS
from asyncinfer_shared.runtime import ClientCache, SettingsError, environment, positive_int

__all__ = ["CLIENTS", "DrainSettings", "SettingsError", "WorkerSettings"]

DEFAULT_MAX_RECEIVE_COUNT = 5
DEFAULT_IO_CONCURRENCY = 10  # the SQS mapping's largest batch: one thread per message
DEFAULT_LEASE_FALLBACK_SECONDS = FALLBACK_LEASE_SECONDS

CLIENTS = ClientCache(
    Config(
        connect_timeout=3,
        read_timeout=10,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=16,  # above the I/O pool size, so threads never wait for a socket
    )
)


@dataclass(frozen=True)
class WorkerSettings:
    results_table: str
    model_path: str
    max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT
    dlq_url: str | None = None
    # 1 runs the per-message DynamoDB calls one after another (the benchmark's baseline).
    io_concurrency: int = DEFAULT_IO_CONCURRENCY
    lease_fallback_seconds: int = DEFAULT_LEASE_FALLBACK_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkerSettings:
        env = environment(environ, "RESULTS_TABLE", "MODEL_PATH")
        return cls(
            results_table=env["RESULTS_TABLE"],
            model_path=env["MODEL_PATH"],
            max_receive_count=positive_int(env, "MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT),
            dlq_url=env.get("DLQ_URL") or None,
            io_concurrency=positive_int(env, "IO_CONCURRENCY", DEFAULT_IO_CONCURRENCY),
            lease_fallback_seconds=positive_int(
                env, "LEASE_FALLBACK_SECONDS", DEFAULT_LEASE_FALLBACK_SECONDS
            ),
        )


@dataclass(frozen=True)
class DrainSettings:
    """The dead-letter drain's configuration: it writes results and loads no model."""

    results_table: str
    max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT  # only to say how many tries were made

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DrainSettings:
        env = environment(environ, "RESULTS_TABLE")
        return cls(
            results_table=env["RESULTS_TABLE"],
            max_receive_count=positive_int(env, "MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT),
        )
