"""Both functions are wired to the Python side exactly: entry points, environment, permissions."""

import ast

import pytest

from tests.terraform.tf_checks import REPO, hcl

STACK = hcl.load_dir(REPO / "infra")
CALLS = {name: hcl.plain(body) for name, body in hcl.labelled(STACK, "module").items()}
DATA = {(t, n): hcl.plain(b) for t, n, b in hcl.resources(STACK, "data")}
MAPPING = hcl.plain(
    next(b for t, n, b in hcl.resources(STACK) if t == "aws_lambda_event_source_mapping")
)


def _defines_handler(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "handler" for node in tree.body)


def _allowed(policy: str) -> dict[str, set[str]]:
    """resource expression -> actions, over the policy document's statements."""
    document = DATA[("aws_iam_policy_document", policy)]
    dynamic = [d["statement"]["content"][0] for d in document.get("dynamic", [])]
    allowed: dict[str, set[str]] = {}
    for statement in document["statement"] + dynamic:
        for resource in statement["resources"]:
            allowed.setdefault(resource, set()).update(statement["actions"])
    return allowed


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


@pytest.mark.parametrize(
    ("function", "names"),
    [
        ("enqueue", {"RESULTS_TABLE", "QUEUE_URL", "RESULT_TTL_SECONDS", "LOG_LEVEL"}),
        ("worker", {"RESULTS_TABLE", "MODEL_PATH", "MAX_RECEIVE_COUNT", "DLQ_URL", "LOG_LEVEL"}),
    ],
)
def test_function_gets_the_environment_its_settings_read(function, names):
    assert set(CALLS[function]["environment_variables"]) == names


@pytest.mark.parametrize(("function", "policy"), [("enqueue", "enqueue"), ("worker", "worker")])
def test_each_function_has_its_own_policy(function, policy):
    assert CALLS[function]["policy_json"] == f"${{data.aws_iam_policy_document.{policy}.json}}"


def test_enqueue_may_only_record_requests_and_send_to_the_queue():
    assert _allowed("enqueue") == {
        "${module.results.table_arn}": {
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
        },
        "${module.queue.queue_arn}": {"sqs:SendMessage"},
        "${statement.value}": {"kms:Decrypt", "kms:GenerateDataKey"},
    }


def test_worker_may_only_consume_its_queue_forward_to_the_dlq_update_results_and_read_its_model():
    assert _allowed("worker") == {
        "${module.queue.queue_arn}": {
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        },
        "${module.queue.dlq_arn}": {"sqs:SendMessage"},
        "${module.results.table_arn}": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
        "${local.model_object_arn}": {"s3:GetObject"},
        "${statement.value}": {"kms:Decrypt", "kms:GenerateDataKey"},
    }


def test_kms_statements_appear_only_with_a_customer_key():
    for policy in ("enqueue", "worker"):
        dynamic = DATA[("aws_iam_policy_document", policy)]["dynamic"][0]["statement"]
        assert dynamic["for_each"] == "${var.kms_key_arn == null ? [] : [var.kms_key_arn]}"


def test_queue_trigger_targets_the_worker_alias_and_reports_item_failures():
    assert MAPPING["function_name"] == "${module.worker.alias_arn}"
    assert MAPPING["event_source_arn"] == "${module.queue.queue_arn}"
    assert MAPPING["function_response_types"] == ["ReportBatchItemFailures"]


def test_api_invokes_the_enqueue_alias():
    assert CALLS["api"]["function_alias_invoke_arn"] == "${module.enqueue.alias_invoke_arn}"
    assert CALLS["api"]["function_alias_name"] == "${module.enqueue.alias_name}"
