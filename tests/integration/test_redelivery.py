"""What comes back through SQS's visibility timeout, on a stack of its own whose timeout is short
so that redeliveries take seconds.

A message whose inference keeps failing is retried until its last receive, then its request ends
failed and SQS's redrive moves the message to the DLQ, where the dead-letter drain finds the
request already failed and leaves it alone: no request is left pending or processing, and none
is failed twice. The fault is planted in the model (faulty_model.py); the worker, the queue, the
mappings and the drain are the real ones.

Two copies of one message delivered in one batch run inference once: the second finds the first
holding the request, stays in flight until the visibility timeout, and is then dropped as a
duplicate of a finished request."""

from __future__ import annotations

import time
import uuid

import pytest

from asyncinfer_local.client import ApiClient
from asyncinfer_local.defaults import MODEL_FILE
from asyncinfer_local.settings import load_settings
from asyncinfer_shared.contract import InferenceMessage
from tests.integration.faulty_model import MODEL_ERROR, write_faulty_model
from tests.integration.queue_access import put_pending_item, wait_until_drained
from tests.integration.stack_logs import logged
from tests.integration.stacks import own_stack

# Explicit overrides: a 2 s visibility timeout, and no batching window longer than it.
FAST_RETRIES = {
    "queue.visibility_timeout_seconds": 2,
    "worker.maximum_batching_window_in_seconds": 0,
}
WAIT_SECONDS = 90
LEFT_ALONE = "request already terminal, expired or never stored: left alone"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faulty")
    model = write_faulty_model(MODEL_FILE, folder / "faulty.pt")
    with own_stack(folder, "faulty", FAST_RETRIES, ("--model-path", str(model))) as running:
        yield running


def test_inference_failing_on_every_receive_fails_the_request_and_dead_letters_it(faulty):
    stack, target = faulty
    api = ApiClient(target.api_url)
    doomed = api.submit(f"fine {MODEL_ERROR}")["request_id"]
    healthy = api.submit("fine")["request_id"]

    final = api.wait(doomed, timeout=WAIT_SECONDS)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "inference_failed"
    assert final["attempts"] == load_settings(environ={}).max_receive_count
    assert api.wait(healthy, timeout=WAIT_SECONDS)["status"] == "succeeded"
    deadline = time.monotonic() + WAIT_SECONDS
    while not logged(stack, LEFT_ALONE, doomed) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(logged(stack, LEFT_ALONE, doomed)) == 1, "the drain never saw the dead letter"
    assert api.status(doomed) == final  # the worker's failure stands


def test_copies_delivered_together_run_inference_once(faulty):
    _, target = faulty
    request_id = str(uuid.uuid4())
    created_at = put_pending_item(target, request_id)
    body = InferenceMessage(request_id, "delivered twice at once", 0.5, created_at).to_json()
    target.client("sqs").send_message_batch(
        QueueUrl=target.queue_url,
        Entries=[{"Id": "first", "MessageBody": body}, {"Id": "copy", "MessageBody": body}],
    )
    wait_until_drained(target)  # the copy included, once its visibility timeout has passed
    final = ApiClient(target.api_url).wait(request_id, timeout=WAIT_SECONDS)
    assert final["status"] == "succeeded"
    assert final["attempts"] == 1
