"""Cold starts as fresh processes: each probe of bench/probes.py runs in a new interpreter, as a
new Lambda container would, interleaved with the bare imports it is compared with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.mock_stack import aws_environment
from bench.runner import Measurement, compare

PROBE_TIMEOUT_SECONDS = 300
PROBES = ("bare-boto3", "enqueue-import", "bare-torch", "worker-init-ours", "worker-init-baseline")


def probe_environment(function_env: dict) -> dict:
    """The functions' environment, dummy credentials and one torch thread. No endpoint override
    and no profile: the only AWS calls a probe makes go to moto's in-process mock (the seed-style
    baseline creates its clients at import, before the mock starts, so they must be plain)."""
    env = {**os.environ, **aws_environment(), **function_env, "OMP_NUM_THREADS": "1"}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    return env


def run_probe(name: str, env: dict) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and probe module
        [sys.executable, "-m", "bench.probes", name],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"probe {name} failed:\n{completed.stderr[-3000:]}")
    # Handlers may log to stdout: the probe's answer is its last line.
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _probe(name: str, env: dict) -> Measurement:
    def measure() -> tuple[dict[str, float], dict]:
        answer = run_probe(name, env)
        metrics = {key: value for key, value in answer.items() if not isinstance(value, bool)}
        extras = {key: value for key, value in answer.items() if isinstance(value, bool)}
        return metrics, extras

    return measure


def run_cold_starts(function_env: dict, runs: int, warm_up: bool = True) -> dict:
    env = probe_environment(function_env)
    if warm_up:  # compile bytecode caches and warm the page cache, untimed
        for name in PROBES:
            run_probe(name, env)
    return {
        "enqueue_import": compare(
            {"ours": _probe("enqueue-import", env), "bare_boto3": _probe("bare-boto3", env)},
            runs,
        ),
        "worker_init": compare(
            {
                "ours": _probe("worker-init-ours", env),
                "bare_torch": _probe("bare-torch", env),
                "baseline": _probe("worker-init-baseline", env),
            },
            runs,
        ),
    }
