"""Cold starts as fresh processes: each probe of bench/probes.py runs in a new interpreter, as a
new Lambda container would, interleaved with the bare imports it is compared with.

The worker probes process a real batch after their init, against the local stack's moto server
(a child process of this one), so the probe's peak RSS holds the worker and nothing of moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from asyncinfer_local.aws import DUMMY_CREDENTIALS, EmbeddedAws, Endpoint
from asyncinfer_local.provision import provision
from asyncinfer_local.settings import load_settings
from bench.events import sqs_event, stage_pending_requests
from bench.handler_bench import require_succeeded
from bench.mock_stack import REGION, function_environment
from bench.runner import Measurement, compare

PROBE_TIMEOUT_SECONDS = 300
NAME_PREFIX = "bench-cold"
WORKER_PROBES = ("worker-init-ours", "worker-init-baseline")
PROBES = ("bare-boto3", "enqueue-import", "bare-torch", *WORKER_PROBES)


def run_cold_starts(model_path: Path, runs: int, warm_up: bool = True) -> dict:
    settings = load_settings()
    server = EmbeddedAws("127.0.0.1", 0)
    url = server.start()
    try:
        endpoint = Endpoint(url, REGION, dummy_credentials=True)
        resources = provision(endpoint, settings, NAME_PREFIX)
        env = {
            **os.environ,
            **DUMMY_CREDENTIALS,
            **function_environment(resources, model_path, settings.max_receive_count),
            "AWS_ENDPOINT_URL": url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "OMP_NUM_THREADS": "1",
        }
        env.pop("AWS_PROFILE", None)
        probes = _Probes(env, endpoint.client("dynamodb"), resources)
        if warm_up:  # compile bytecode caches and warm the page cache, untimed
            for name in PROBES:
                probes.measurement(name)()
        return {
            "enqueue_import": compare(
                {
                    "ours": probes.measurement("enqueue-import"),
                    "bare_boto3": probes.measurement("bare-boto3"),
                },
                runs,
            ),
            "worker_init": compare(
                {
                    "ours": probes.measurement("worker-init-ours"),
                    "bare_torch": probes.measurement("bare-torch"),
                    "baseline": probes.measurement("worker-init-baseline"),
                },
                runs,
            ),
        }
    finally:
        server.stop()


class _Probes:
    def __init__(self, env: dict, dynamodb, resources):
        self._env = env
        self._dynamodb = dynamodb
        self._resources = resources
        self._next_text = 0

    def measurement(self, name: str) -> Measurement:
        def measure() -> tuple[dict[str, float], dict]:
            if name not in WORKER_PROBES:
                answer = run_probe(name, self._env)
            else:
                answer = self._worker_probe(name)
            metrics = {key: value for key, value in answer.items() if not isinstance(value, bool)}
            extras = {key: value for key, value in answer.items() if isinstance(value, bool)}
            return metrics, extras

        return measure

    def _worker_probe(self, name: str) -> dict:
        """Stage a batch of 10 pending requests (untimed), hand the probe its SQS event, then
        check that every request succeeded."""
        table = self._resources.results_table
        bodies = stage_pending_requests(self._dynamodb, table, self._next_text, 10)
        self._next_text += 10
        with tempfile.TemporaryDirectory(prefix="bench-probe-") as folder:
            event_file = Path(folder) / "batch.json"
            event_file.write_text(json.dumps(sqs_event(bodies, self._resources.queue_arn)))
            answer = run_probe(name, self._env, str(event_file))
        require_succeeded(self._dynamodb, table, bodies)
        return answer


def run_probe(name: str, env: dict, *args: str) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and probe module
        [sys.executable, "-m", "bench.probes", name, *args],
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
