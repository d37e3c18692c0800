"""The function's configuration, read from its environment, and its AWS clients.

The clients' timeouts and retries are tight on purpose: DynamoDB and SQS answer in milliseconds,
and when they do not, a fast 503 with Retry-After serves the client better than a request that
hangs until the function times out (a call gives up after about 7 s at worst: 2 attempts of 1 s
connect + 2 s read, plus backoff).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from botocore.config import Config

from asyncinfer_shared.contract import DEFAULT_RESULT_TTL_SECONDS
from asyncinfer_shared.runtime import ClientCache, environment, positive_int

DEFAULT_MAX_BODY_BYTES = 16384

CLIENTS = ClientCache(
    Config(connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 2})
)


@dataclass(frozen=True)
class Settings:
    results_table: str
    queue_url: str
    result_ttl_seconds: int = DEFAULT_RESULT_TTL_SECONDS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Raise SettingsError on a missing or malformed setting."""
        env = environment(environ, "RESULTS_TABLE", "QUEUE_URL")
        return cls(
            results_table=env["RESULTS_TABLE"],
            queue_url=env["QUEUE_URL"],
            result_ttl_seconds=positive_int(env, "RESULT_TTL_SECONDS", DEFAULT_RESULT_TTL_SECONDS),
            max_body_bytes=positive_int(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        )
