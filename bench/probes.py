"""Cold-start probes, each run in a fresh interpreter: `python -m bench.probes <probe> [event]`.

Prints one JSON object. Only the standard library is imported before the clock starts, so each
probe times exactly its import (and, for the workers, the model load and warm-up) as a new
Lambda container would pay it. Nothing here imports boto3, torch or moto at module level, and a
worker probe never imports moto at all: its AWS calls go over HTTP to the moto server the parent
runs (AWS_ENDPOINT_URL), so its memory is the worker's alone.
"""

import importlib
import json
import resource
import sys
import time
from pathlib import Path

WORKER_MODULES = {"ours": "asyncinfer_worker.handler", "baseline": "bench.baseline.worker"}
# The repository's sample scheduled warm-up event (read with the stdlib, before any clock).
WARM_UP_EVENT_FILE = Path(__file__).resolve().parent.parent / "tests/events/eventbridge_warmup.json"


def bare_import(module: str) -> dict:
    started = time.perf_counter()
    importlib.import_module(module)
    return {"seconds": time.perf_counter() - started}


def enqueue_import() -> dict:
    started = time.perf_counter()
    importlib.import_module("asyncinfer_enqueue.handler")
    return {"seconds": time.perf_counter() - started, "torch_imported": "torch" in sys.modules}


def worker_init(side: str, batch_event_file: str) -> dict:
    """Import the handler module, then send it the scheduled warm-up event (model load and
    warm-up forwards), as a warmed container does before its first batch. Then process the SQS
    batch in `batch_event_file` and report the process's peak RSS, Lambda's "Max Memory Used"."""
    warm_up_event = json.loads(WARM_UP_EVENT_FILE.read_text())
    batch_event = json.loads(Path(batch_event_file).read_text())
    started = time.perf_counter()
    # Both workers import the AWS SDK at module level; importing it first (inside the timed
    # window, so the total is unchanged) shows its share of the init.
    importlib.import_module("boto3")
    sdk_imported = time.perf_counter()
    module = importlib.import_module(WORKER_MODULES[side])
    imported = time.perf_counter()
    module.handler(warm_up_event, None)
    initialised = time.perf_counter()

    from asyncinfer_local.lambda_runtime import FunctionConfig, invoke

    function = FunctionConfig("bench-worker", 120, 2048, "us-east-1")
    batch_started = time.perf_counter()
    response = invoke(module.handler, batch_event, function)
    batch_done = time.perf_counter()
    if isinstance(response, dict) and response.get("batchItemFailures"):
        raise RuntimeError(f"the batch was not processed: {response}")
    return {
        "sdk_import_seconds": sdk_imported - started,
        "import_seconds": imported - started,
        "seconds": initialised - started,
        # A cold container's first batch: its AWS clients are created here, on first use.
        "first_batch_seconds": batch_done - batch_started,
        "init_and_first_batch_seconds": initialised - started + batch_done - batch_started,
        # ru_maxrss is in KiB on Linux
        "peak_rss_mb_after_batch": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


PROBES = {
    "bare-boto3": lambda: bare_import("boto3"),
    "bare-torch": lambda: bare_import("torch"),
    "enqueue-import": enqueue_import,
    "worker-init-ours": lambda event: worker_init("ours", event),
    "worker-init-baseline": lambda event: worker_init("baseline", event),
}


if __name__ == "__main__":
    print(json.dumps(PROBES[sys.argv[1]](*sys.argv[2:])))
