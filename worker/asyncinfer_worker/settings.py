"""The worker's configuration, read from the environment of the Lambda function."""

from __future__ import annotations

import os
from dataclasses import dataclass

from asyncinfer_shared.results_table import FALLBACK_LEASE_SECONDS

DEFAULT_MAX_RECEIVE_COUNT = 5
DEFAULT_IO_CONCURRENCY = 10  # the SQS mapping's largest batch: one thread per message
DEFAULT_LEASE_FALLBACK_SECONDS = FALLBACK_LEASE_SECONDS


class SettingsError(RuntimeError):
    """The function is misconfigured: no message can be processed until it is fixed."""


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
    def from_env(cls, environ: dict[str, str] | None = None) -> WorkerSettings:
        env = _required(environ, "RESULTS_TABLE", "MODEL_PATH")
        return cls(
            results_table=env["RESULTS_TABLE"],
            model_path=env["MODEL_PATH"],
            max_receive_count=_positive_int(env, "MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT),
            dlq_url=env.get("DLQ_URL") or None,
            io_concurrency=_positive_int(env, "IO_CONCURRENCY", DEFAULT_IO_CONCURRENCY),
            lease_fallback_seconds=_positive_int(
                env, "LEASE_FALLBACK_SECONDS", DEFAULT_LEASE_FALLBACK_SECONDS
            ),
        )


@dataclass(frozen=True)
class DrainSettings:
    """The dead-letter drain's configuration: it writes results and loads no model."""

    results_table: str
    max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT  # only to say how many tries were made

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> DrainSettings:
        env = _required(environ, "RESULTS_TABLE")
        return cls(
            results_table=env["RESULTS_TABLE"],
            max_receive_count=_positive_int(env, "MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT),
        )


def _required(environ: dict[str, str] | None, *names: str):
    """The environment (os.environ unless given), once every one of `names` is set in it."""
    env = os.environ if environ is None else environ
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise SettingsError(f"Missing required environment variables: {', '.join(missing)}")
    return env


def _positive_int(env, name: str, default: int) -> int:
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
