"""The worker's logs: one JSON object per line, with request ids, cold start and durations."""

import json

import pytest
from worker_doubles import EXPLODE, logged_lines, sqs_event, submitted

from asyncinfer_worker.handler import handler


@pytest.fixture
def log_lines():
    """Every line the worker logs during the test, as written (JSON text)."""
    with logged_lines("asyncinfer_worker") as lines:
        yield lines


def test_every_line_is_one_json_object_with_level_and_message(worker_env, log_lines):
    good = submitted(worker_env.aws.dynamodb, "good")
    handler(sqs_event(good, "{not json"), None)
    lines = [json.loads(line) for line in log_lines()]
    assert lines
    assert all(isinstance(line, dict) and line["level"] and line["message"] for line in lines)


def test_batch_line_reports_cold_start_size_and_durations(worker_env, log_lines):
    messages = [submitted(worker_env.aws.dynamodb, text) for text in ("good", "bad")]
    handler(sqs_event(*messages), None)
    (batch,) = [json.loads(line) for line in log_lines() if '"batch processed"' in line]
    assert isinstance(batch["cold_start"], bool)
    assert batch["batch_size"] == 2
    assert batch["outcomes"] == {"succeeded": 2}
    assert batch["model_load_ms"] > 0  # this test's model file was loaded by this batch
    assert batch["inference_ms"] > 0


def test_lines_about_a_request_carry_its_request_id(worker_env, log_lines):
    failing = submitted(worker_env.aws.dynamodb, f"bad {EXPLODE}")
    succeeding = submitted(worker_env.aws.dynamodb, "good")
    handler(sqs_event(failing, succeeding), None)
    lines = [json.loads(line) for line in log_lines()]
    by_request = {line.get("request_id") for line in lines}
    assert {failing.request_id, succeeding.request_id} <= by_request
    retry = next(line for line in lines if line.get("request_id") == failing.request_id)
    assert retry["level"] == "WARN" and "will retry" in retry["message"]
