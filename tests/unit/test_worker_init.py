"""What a worker container does before its first batch: on-demand init imports only; provisioned
concurrency init (and the scheduled warm-up event) prepares the model and the AWS clients, so
the first batch pays for neither. Each init runs in a fresh interpreter, as Lambda's does."""

from __future__ import annotations

import json
import subprocess
import sys

from worker_doubles import EVENTS

from asyncinfer_worker.handler import BATCH_SERVICES, handler
from asyncinfer_worker.settings import CLIENTS

PROBE = (
    "import json, os; import asyncinfer_worker.handler as worker; "
    "from asyncinfer_worker.model_holder import holder_for; "
    "print(json.dumps({'model_loaded': holder_for(os.environ['MODEL_PATH']).is_loaded, "
    "'clients': worker.CLIENTS.created()}))"
)


def fresh_init(initialization_type: str, model_path: str) -> tuple[dict, str]:
    """(what the container holds after importing the handler, the log lines it printed)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type,
        "RESULTS_TABLE": "asyncinfer-test-results",
        "MODEL_PATH": model_path,
        "AWS_DEFAULT_REGION": "eu-west-1",
        "OMP_NUM_THREADS": "1",
    }
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    *logs, answer = completed.stdout.strip().splitlines()
    return json.loads(answer), "\n".join(logs)


def test_provisioned_init_loads_the_model_and_creates_the_clients(tiny_model_path):
    held, logs = fresh_init("provisioned-concurrency", str(tiny_model_path))

    assert held == {"model_loaded": True, "clients": sorted(BATCH_SERVICES)}
    assert "provisioned init: container prepared" in logs


def test_on_demand_init_only_imports(tiny_model_path):
    held, _ = fresh_init("on-demand", str(tiny_model_path))

    assert held == {"model_loaded": False, "clients": []}


def test_provisioned_init_that_cannot_load_the_model_still_imports_and_says_why(tmp_path):
    held, logs = fresh_init("provisioned-concurrency", str(tmp_path / "missing.pt"))

    assert held["model_loaded"] is False
    failure = json.loads(next(line for line in logs.splitlines() if "init: preparing" in line))
    assert failure["level"] == "ERROR"
    assert "missing.pt" in failure["error"]


def test_warm_up_event_also_creates_the_batch_clients(worker_env):
    CLIENTS.reset()

    handler(json.loads((EVENTS / "eventbridge_warmup.json").read_text()), None)

    assert CLIENTS.created() == sorted(BATCH_SERVICES)
