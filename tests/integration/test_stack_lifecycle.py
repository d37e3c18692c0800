"""The stack's life cycle: idempotent provisioning against an endpoint that is already running,
a clean stop on SIGTERM or Ctrl-C (SIGINT), a model served from S3, and the in-process Python
API's environment handling. These start stacks of their own."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import time
import uuid

import pytest

from asyncinfer_local.client import ApiClient
from asyncinfer_local.defaults import MODEL_FILE
from asyncinfer_local.process import StackProcess
from asyncinfer_local.stack import LocalStack
from tests.integration.stacks import own_stack
from tests.integration.target import target_from_stack

FAST_START = ["--no-warm"]
# These stacks test the embedded endpoint, even when the suite runs with AWS_ENDPOINT_URL set.
EMBEDDED = {"AWS_ENDPOINT_URL": None}
WORKER_VARIABLES = (
    "RESULTS_TABLE",
    "DLQ_URL",
    "MAX_RECEIVE_COUNT",
    "MODEL_PATH",
    "AWS_ENDPOINT_URL",
)


@pytest.fixture(scope="module")
def stack_pair(tmp_path_factory):
    """A stack with its own moto, and a second one using the first's endpoint and names. Shared
    by the module's first two tests; the second of them stops both."""
    tmp_path = tmp_path_factory.mktemp("pair")
    prefix = f"asyncinfer-lc-{uuid.uuid4().hex[:8]}"
    first = StackProcess(
        extra_args=[*FAST_START, "--name-prefix", prefix],
        env=EMBEDDED,
        log_path=tmp_path / "first.log",
    )
    first_info = first.start()
    second = StackProcess(
        extra_args=[
            *FAST_START,
            "--name-prefix",
            prefix,
            "--endpoint-url",
            first_info["endpoint_url"],
        ],
        log_path=tmp_path / "second.log",
    )
    try:
        yield first, first_info, second, second.start()
    finally:
        second.cleanup()
        first.cleanup()


def test_provisioning_an_existing_stack_again_reuses_its_resources(stack_pair):
    _, first_info, _, second_info = stack_pair
    for name in ("endpoint_url", "queue_url", "dlq_url", "results_table"):
        assert second_info[name] == first_info[name]
    # One table behind both APIs: a request accepted by one is visible through the other.
    request_id = ApiClient(second_info["api_url"]).submit("fine")["request_id"]
    assert ApiClient(first_info["api_url"]).status(request_id)["request_id"] == request_id


def test_sigterm_and_sigint_stop_the_stack_cleanly_and_free_its_ports(stack_pair):
    first, first_info, second, second_info = stack_pair
    assert second.stop(signal.SIGINT) == 0
    assert first.stop(signal.SIGTERM) == 0
    for log in (first.log_path, second.log_path):
        assert log.read_text().rstrip().endswith("stopped")
    for url in (first_info["api_url"], first_info["endpoint_url"], second_info["api_url"]):
        host, port = url.removeprefix("http://").split(":")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((host, int(port)), timeout=2).close()


def test_busy_api_port_is_refused_with_a_clear_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The later --api-port wins over the "--api-port 0" StackProcess passes first.
        stack = StackProcess(
            extra_args=[*FAST_START, "--api-port", str(port)],
            env=EMBEDDED,
            log_path=tmp_path / "busy.log",
        )
        with pytest.raises(RuntimeError, match="ASYNCINFER_API_PORT"):
            stack.start()
        stack.cleanup()


def test_model_at_an_s3_model_path_is_uploaded_and_served(tmp_path):
    bucket = f"asyncinfer-models-{uuid.uuid4().hex[:8]}"
    model_url = f"s3://{bucket}/sentiment.pt"
    with own_stack(tmp_path, "s3", extra_args=("--model-path", model_url), env=EMBEDDED) as (
        _,
        target,
    ):
        stored = target.client("s3").head_object(Bucket=bucket, Key="sentiment.pt")
        api = ApiClient(target.api_url)
        final = api.wait(api.submit("fine")["request_id"], timeout=60)
    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    assert stored["Metadata"]["sha256"] == digest
    assert final["status"] == "succeeded"
    assert final["result"]["model_version"] == f"sentiment-{digest[:12]}"


def test_in_process_stack_gives_handlers_the_lambda_environment_and_restores_it():
    before = dict(os.environ)
    seen_by_worker: list[dict] = []

    def enqueue(event, context):
        return {name: os.environ.get(name) for name in ("RESULTS_TABLE", "QUEUE_URL")}

    def worker(event, context):
        seen_by_worker.append({name: os.environ.get(name) for name in WORKER_VARIABLES})
        return {"batchItemFailures": []}

    with LocalStack(
        api_port=0,
        aws_port=0,
        name_prefix=f"asyncinfer-ip-{uuid.uuid4().hex[:8]}",
        enqueue_handler=enqueue,
        worker_handler=worker,
        warm_worker=False,
        poll_wait_seconds=1,
        log=None,
    ) as stack:
        info = stack.info()
        answer = ApiClient(info["api_url"]).call("GET", "/health")
        target_from_stack(info).client("sqs").send_message(
            QueueUrl=info["queue_url"], MessageBody="x"
        )
        deadline = time.monotonic() + 20
        while not seen_by_worker and time.monotonic() < deadline:
            time.sleep(0.05)
    assert answer.body == {"RESULTS_TABLE": info["results_table"], "QUEUE_URL": info["queue_url"]}
    assert seen_by_worker[0] == {
        "RESULTS_TABLE": info["results_table"],
        "DLQ_URL": info["dlq_url"],
        "MAX_RECEIVE_COUNT": str(stack.settings.max_receive_count),
        "MODEL_PATH": str(MODEL_FILE),
        "AWS_ENDPOINT_URL": info["endpoint_url"],
    }
    assert dict(os.environ) == before


def test_submit_while_the_queue_is_gone_gets_503_and_leaves_no_pending_item(tmp_path):
    with own_stack(tmp_path, "nq", extra_args=tuple(FAST_START), env=EMBEDDED) as (_, target):
        target.client("sqs").delete_queue(QueueUrl=target.queue_url)
        response = ApiClient(target.api_url).call(
            "POST", "/predict", b'{"text": "fine"}', {"content-type": "application/json"}
        )
        items = target.client("dynamodb").scan(TableName=target.results_table)["Items"]
    assert response.status == 503
    assert response.headers["retry-after"] == "1"
    assert response.body["error"]["code"] == "service_unavailable"
    assert "request_id" not in response.body
    # The item written before the send was compensated: failed, never left pending.
    assert [item["status"]["S"] for item in items] == ["failed"]
    assert items[0]["error"]["M"]["code"]["S"] == "enqueue_failed"
