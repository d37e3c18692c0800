"""The functions are wired to the Python side exactly: entry points, environment, permissions,
triggers (the worker on the queue, the dead-letter drain on the DLQ)."""

import ast

import pytest

from tests.terraform.tf_checks import REPO, hcl

STACK = hcl.load_dir(REPO / "infra")
CALLS = {name: hcl.plain(body) for name, body in hcl.labelled(STACK, "module").items()}
DATA = {(t, n): hcl.plain(b) for t, n, b in hcl.resources(STACK, "data")}
TRIGGER_SOURCE = "../modules/sqs_trigger"
TRIGGERS = {name: call for name, call in CALLS.items() if call["source"] == TRIGGER_SOURCE}


def _defines_handler(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "handler" for node in tree.body)


def test_enqueue_zip_is_the_whole_lambda_folder_without_build_leftovers():
    archive = DATA[("archive_file", "enqueue")]
    assert archive["source_dir"] == "${path.module}/../lambda"
    assert set(archive["excludes"]) == {"requirements.txt", "**/__pycache__", "**/*.pyc"}
    assert CALLS["enqueue"]["zip"]["sha256"] == "${data.archive_file.enqueue.output_base64sha256}"


def test_enqueue_handler_and_runtime_match_the_code():
    zip_package = CALLS["enqueue"]["zip"]
    assert zip_package["handler"] == "asyncinfer_enqueue.handler.handler"
    assert zip_package["runtime"] == "python3.11"
    assert _defines_handler(REPO / "lambda/asyncinfer_enqueue/handler.py")


def test_worker_command_matches_the_code():
    assert CALLS["worker"]["image"]["command"] == ["asyncinfer_worker.handler.handler"]
    assert _defines_handler(REPO / "worker/asyncinfer_worker/handler.py")


def test_drain_runs_the_worker_image_with_its_own_command():
    assert CALLS["dead_letters"]["image"] == {
        "uri": "${var.worker_image_uri}",
        "command": ["asyncinfer_worker.drain.handler"],
    }
    assert CALLS["worker"]["image"]["uri"] == "${var.worker_image_uri}"
    assert _defines_handler(REPO / "worker/asyncinfer_worker/drain.py")


@pytest.mark.parametrize(
    ("function", "policy"),
    [("enqueue", "enqueue"), ("worker", "worker"), ("dead_letters", "dead_letters")],
)
def test_each_function_has_its_own_policy(function, policy):
    assert CALLS[function]["policy_json"] == f"${{data.aws_iam_policy_document.{policy}.json}}"


def test_queue_trigger_targets_the_worker_alias():
    assert TRIGGERS["worker_trigger"]["function_arn"] == "${module.worker.alias_arn}"
    assert TRIGGERS["worker_trigger"]["queue_arn"] == "${module.queue.queue_arn}"


def test_dlq_trigger_targets_the_drain_alias():
    assert TRIGGERS["dead_letters_trigger"]["function_arn"] == "${module.dead_letters.alias_arn}"
    assert TRIGGERS["dead_letters_trigger"]["queue_arn"] == "${module.queue.dlq_arn}"


def test_worker_mapping_keeps_its_state_when_it_moves_into_the_module():
    moves = {hcl.plain(m["from"]): hcl.plain(m["to"]) for m in STACK["moved"]}
    assert moves["${aws_lambda_event_source_mapping.worker}"] == (
        "${module.worker_trigger.aws_lambda_event_source_mapping.this}"
    )


def test_alarms_watch_the_drain_not_the_dlq_depth():
    assert CALLS["alarms"]["dead_letter_function_name"] == "${module.dead_letters.function_name}"
    alarms = next(
        hcl.plain(entry["alarms"])
        for entry in hcl.load_dir(REPO / "modules/alarms")["locals"]
        if "alarms" in entry
    )
    by_metric = {
        (alarm["metric"], str(alarm["dimensions"])): name for name, alarm in alarms.items()
    }
    assert ("Invocations", str({"FunctionName": "${var.dead_letter_function_name}"})) in by_metric
    assert ("ApproximateAgeOfOldestMessage", str({"QueueName": "${var.dlq_name}"})) in by_metric
    assert not any(metric == "ApproximateNumberOfMessagesVisible" for metric, _ in by_metric), (
        "a DLQ depth alarm never fires once the drain empties the DLQ"
    )


def test_api_invokes_the_enqueue_alias():
    assert CALLS["api"]["function_alias_invoke_arn"] == "${module.enqueue.alias_invoke_arn}"
    assert CALLS["api"]["function_alias_name"] == "${module.enqueue.alias_name}"
