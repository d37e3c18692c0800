"""Cold-start probes, each run in a fresh interpreter: `python -m bench.probes <probe>`.

Prints one JSON object. Only the standard library is imported before the clock starts, so each
probe times exactly its import (and, for the workers, the model load and warm-up) as a new
Lambda container would pay it. Nothing here may import boto3, torch or moto at module level.
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


def worker_init(side: str) -> dict:
    """Import the handler module, then send it the scheduled warm-up event (model load and
    warm-up forwards), as a provisioned or warmed container does before its first batch. Then
    process one real batch of 10 in moto's mock and report the process's peak RSS."""
    warm_up_event = json.loads(WARM_UP_EVENT_FILE.read_text())
    started = time.perf_counter()
    module = importlib.import_module(WORKER_MODULES[side])
    imported = time.perf_counter()
    module.handler(warm_up_event, None)
    initialised = time.perf_counter()
    rss_mb = _peak_rss_after_a_batch(module)
    return {
        "import_seconds": imported - started,
        "seconds": initialised - started,
        "peak_rss_mb_after_batch": rss_mb,
    }


def _peak_rss_after_a_batch(module) -> float:
    import os
    from pathlib import Path

    from moto.core import patch_resource

    from asyncinfer_local.lambda_runtime import invoke
    from bench.events import sqs_event, stage_pending_requests
    from bench.mock_stack import mocked_stack

    if hasattr(module, "dynamodb"):
        # The seed-style worker made its resource at import, before moto was loaded.
        patch_resource(module.dynamodb)
    with mocked_stack(Path(os.environ["MODEL_PATH"])) as stack:
        table, arn = stack.resources.results_table, stack.resources.queue_arn
        bodies = stage_pending_requests(stack.dynamodb, table, 0, 10)
        response = invoke(module.handler, sqs_event(bodies, arn), stack.worker_function)
        if isinstance(response, dict) and response.get("batchItemFailures"):
            raise RuntimeError(f"the batch was not processed: {response}")
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PROBES = {
    "bare-boto3": lambda: bare_import("boto3"),
    "bare-torch": lambda: bare_import("torch"),
    "enqueue-import": enqueue_import,
    "worker-init-ours": lambda: worker_init("ours"),
    "worker-init-baseline": lambda: worker_init("baseline"),
}


if __name__ == "__main__":
    print(json.dumps(PROBES[sys.argv[1]]()))
