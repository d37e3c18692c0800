"""The `asyncinfer` command end to end, as a user runs it against the API."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import uuid

from tests.integration.queue_access import put_pending_item

COMMAND = pathlib.Path(sys.executable).parent / "asyncinfer"
TIMEOUT_SECONDS = 90


def asyncinfer(target, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMMAND), *args, "--url", target.api_url],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def test_predict_wait_prints_the_succeeded_result(target):
    run = asyncinfer(target, "predict", "a lovely, heartfelt film", "--threshold", "0.6", "--wait")
    assert run.returncode == 0, run.stderr
    final = json.loads(run.stdout)
    assert final["status"] == "succeeded"
    assert final["result"]["threshold"] == 0.6
    assert final["result"]["prediction"] in ("positive", "negative")
    assert "submitted" in run.stderr and "succeeded after" in run.stderr


def test_predict_without_wait_prints_the_accepted_request(target):
    run = asyncinfer(target, "predict", "fine")
    assert run.returncode == 0, run.stderr
    accepted = json.loads(run.stdout)
    assert accepted["status"] == "pending"
    assert accepted["poll_url"] == f"/status/{accepted['request_id']}"


def test_status_prints_a_known_request(target, api):
    request_id = api.submit("fine")["request_id"]
    run = asyncinfer(target, "status", request_id)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["request_id"] == request_id


def test_invalid_input_exits_2_with_the_api_error(target):
    run = asyncinfer(target, "predict", "fine", "--threshold", "5")
    assert run.returncode == 2
    error = json.loads(run.stderr)
    assert error["status_code"] == 400
    assert error["body"]["error"]["code"] == "validation_error"


def test_unknown_request_exits_2_with_404(target):
    run = asyncinfer(target, "status", str(uuid.uuid4()))
    assert run.returncode == 2
    assert json.loads(run.stderr)["status_code"] == 404


def test_failed_request_exits_1(target, api, direct):
    request_id = str(uuid.uuid4())
    put_pending_item(direct, request_id)
    # A message with a schema version the worker does not know: its request ends failed.
    body = json.dumps({"schema_version": 2, "request_id": request_id})
    direct.client("sqs").send_message(QueueUrl=direct.queue_url, MessageBody=body)
    run = asyncinfer(target, "status", request_id, "--wait", "--timeout", "60")
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout)["status"] == "failed"


def test_wait_that_runs_out_exits_3(target, direct):
    request_id = str(uuid.uuid4())
    put_pending_item(direct, request_id)  # pending, and no message will ever move it
    run = asyncinfer(target, "status", request_id, "--wait", "--timeout", "1")
    assert run.returncode == 3
    assert json.loads(run.stdout)["status"] == "pending"
    assert "timed out" in run.stderr
