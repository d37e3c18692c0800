"""The function's configuration, read from its environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from asyncinfer_shared.contract import DEFAULT_RESULT_TTL_SECONDS

DEFAULT_MAX_BODY_BYTES = 16384


@dataclass(frozen=True)
class Settings:
    results_table: str
    queue_url: str
    result_ttl_seconds: int = DEFAULT_RESULT_TTL_SECONDS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Raise KeyError or ValueError on a missing or malformed setting: that is a deployment
        bug, and failing loudly beats guessing a table name."""
        return cls(
            results_table=env["RESULTS_TABLE"],
            queue_url=env["QUEUE_URL"],
            result_ttl_seconds=_positive_int(env, "RESULT_TTL_SECONDS", DEFAULT_RESULT_TTL_SECONDS),
            max_body_bytes=_positive_int(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = int(env.get(name, default))
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return value
