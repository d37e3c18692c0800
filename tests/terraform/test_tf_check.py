"""`make tf-check` on the tree, and planted defects it must refuse with Terraform's own message.

Each defect is planted alone in a copy of the Terraform tree; the check runs only the root or
module the defect is in, so each case costs one init/validate/plan or one module's
`terraform test` (a few seconds).
"""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
TF_CHECK = REPO / ".ci" / "standin" / "tfcheck.py"
PARTS = ["environments", "infra", "modules", "lambda"]


def tf_check(tree: pathlib.Path, *only: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, str(TF_CHECK), "--tree", str(tree)]
    if only:
        argv += ["--only", *only]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def test_tf_check_passes_on_the_tree():
    done = tf_check(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    for root in [
        "environments/dev",
        "environments/staging",
        "environments/prod",
        "infra/bootstrap",
    ]:
        assert f"{root}: Plan: " in done.stdout, done.stdout


def _replace(path: pathlib.Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path}: {old!r} not found (the planted defect needs updating)"
    path.write_text(text.replace(old, new, 1))


# kind: (file, text to replace (None: append), replacement, Terraform's message). Checked on dev.
DEFECTS = {
    "misspelt argument": (
        "modules/queue/main.tf",
        "visibility_timeout_seconds",
        "visibilty_timeout_seconds",
        'An argument named "visibilty_timeout_seconds" is not expected here',
    ),
    "misspelt block": (
        "modules/results_table/main.tf",
        "point_in_time_recovery {",
        "point_in_time_recover {",
        'Blocks of type "point_in_time_recover" are not expected here',
    ),
    "wrong type in a resource": (
        "modules/queue/main.tf",
        "visibility_timeout_seconds = var.visibility_timeout_seconds",
        'visibility_timeout_seconds = ["720"]',
        "Incorrect attribute value type",
    ),
    "wrong type in tfvars": (
        "environments/dev/terraform.tfvars",
        '"eu-west-1"',
        '["eu-west-1"]',
        "Invalid value for input variable",
    ),
    "missing required argument": (
        "modules/queue/main.tf",
        None,
        'resource "aws_sqs_queue_policy" "planted" {}\n',
        'The argument "queue_url" is required, but no definition was found.',
    ),
    "unknown reference": (
        "infra/outputs.tf",
        "module.api.api_endpoint",
        "module.no_such_module.arn",
        "Reference to undeclared module",
    ),
    "unknown module output": (
        "infra/outputs.tf",
        "module.results.table_name",
        "module.results.no_such_output",
        "Unsupported attribute",
    ),
    "violated validation": (
        "environments/dev/terraform.tfvars",
        "settings_overrides              = {}",
        "settings_overrides = { queue = { max_receive_count = 3 } }",
        "Invalid value for variable",
    ),
    "violated precondition": (
        "environments/dev/terraform.tfvars",
        "settings_overrides              = {}",
        "settings_overrides = { worker = { timeout_seconds = 300 } }",
        "Resource precondition failed",
    ),
    "provider value out of range": (
        "modules/function/main.tf",
        "memory_size   = var.memory_size_mb",
        "memory_size   = 20000",
        "expected memory_size to be in the range (128 - 10240)",
    ),
    "invalid policy JSON": (
        "modules/function/main.tf",
        "data.aws_iam_policy_document.assume.json",
        '"{not json"',
        "contains an invalid JSON policy",
    ),
}


def _copy_tree(dest: pathlib.Path) -> None:
    for part in PARTS:
        shutil.copytree(
            REPO / part,
            dest / part,
            symlinks=True,
            ignore=shutil.ignore_patterns(".terraform*", "__pycache__"),
        )


@pytest.mark.parametrize("kind", sorted(DEFECTS))
def test_planted_defect_is_refused(kind, tmp_path):
    relative, old, new, message = DEFECTS[kind]
    _copy_tree(tmp_path)
    target = tmp_path / relative
    if old is None:
        target.write_text(target.read_text() + new)
    else:
        _replace(target, old, new)
    done = tf_check(tmp_path, "environments/dev")
    assert done.returncode != 0
    assert message in done.stdout, done.stdout


def test_module_test_catches_a_deleted_validation(tmp_path):
    """A validation removed from a module: its expect_failures run no longer sees the failure."""
    _copy_tree(tmp_path)
    variables = tmp_path / "modules/queue/variables.tf"
    block = re.search(
        r"\n  validation \{\n    condition     = var\.max_receive_count >= 5\n.*?\n  \}\n",
        variables.read_text(),
        re.S,
    )
    assert block, "the max_receive_count validation moved (the planted defect needs updating)"
    _replace(variables, block.group(0), "\n")
    done = tf_check(tmp_path, "modules/queue")
    assert done.returncode != 0
    assert "Missing expected failure" in done.stdout, done.stdout
    assert "var.max_receive_count" in done.stdout, done.stdout


def test_stack_test_catches_a_new_permission(tmp_path):
    """An action added to a function's policy: the rendered policy no longer matches the list."""
    _copy_tree(tmp_path)
    _replace(
        tmp_path / "infra/iam.tf",
        'sid       = "FailRequests"\n    actions   = ["dynamodb:UpdateItem"]',
        'sid       = "FailRequests"\n    actions   = ["dynamodb:UpdateItem", "dynamodb:GetItem"]',
    )
    done = tf_check(tmp_path, "infra")
    assert done.returncode != 0
    assert "The dead-letter drain may only consume the DLQ and update results." in done.stdout, (
        done.stdout
    )
