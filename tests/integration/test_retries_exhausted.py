"""A message whose inference keeps failing is retried through SQS until its last receive, then
its request ends failed and SQS's redrive moves the message to the DLQ: no request is left
pending or processing. The fault is planted in the model (faulty_model.py); the worker, the
queue and the mapping are the real ones, on a stack of its own with a short visibility
timeout so the five receives take seconds."""

from __future__ import annotations

import json

import pytest

from asyncinfer_local.client import ApiClient
from asyncinfer_local.defaults import MODEL_FILE
from asyncinfer_local.settings import load_settings
from tests.integration.faulty_model import MODEL_ERROR, write_faulty_model
from tests.integration.queue_access import find_in_dlq
from tests.integration.stacks import own_stack

# Explicit overrides: a 2 s visibility timeout, and no batching window longer than it.
FAST_RETRIES = {
    "queue.visibility_timeout_seconds": 2,
    "worker.maximum_batching_window_in_seconds": 0,
}
WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faulty")
    model = write_faulty_model(MODEL_FILE, folder / "faulty.pt")
    with own_stack(folder, "faulty", FAST_RETRIES, ("--model-path", str(model))) as (_, target):
        yield target


def test_inference_failing_on_every_receive_fails_the_request_and_dead_letters_it(faulty):
    api = ApiClient(faulty.api_url)
    doomed = api.submit(f"fine {MODEL_ERROR}")["request_id"]
    healthy = api.submit("fine")["request_id"]

    final = api.wait(doomed, timeout=WAIT_SECONDS)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "inference_failed"
    assert final["attempts"] == load_settings(environ={}).max_receive_count
    assert api.wait(healthy, timeout=WAIT_SECONDS)["status"] == "succeeded"
    dead = find_in_dlq(faulty, lambda body: json.loads(body).get("request_id") == doomed)
    assert dead is not None, "the exhausted message is not in the dead-letter queue"
