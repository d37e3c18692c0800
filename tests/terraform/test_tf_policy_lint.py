"""parliament over every IAM policy document of the offline plans (bootstrap, dev, prod):
.ci/terraform_checks/policy_lint.py says what a plan lets it check. The first run installs
parliament into .tools/parliament (about 10 s); then about 20 s per lint, 5 s per plan.

The plan helper here is this file's own until issue-tf's plan helper lands on main; then this
file should use that one instead.
"""

from __future__ import annotations

import json
import pathlib
import sys

import pytest

from tests.terraform.tf_checks import REPO, plant, tree_copy

sys.path.insert(0, str(REPO / ".ci" / "standin"))
sys.path.insert(0, str(REPO / ".ci" / "terraform_checks"))
import policy_lint
import tfcheck

ROOTS = ("infra/bootstrap", "environments/dev", "environments/prod")

# What the lint finds in the current tree, each a real finding left for the owner of
# infra/bootstrap/environment_roles.tf (outside the branch that added this lint). The test keeps
# this list exact: a new finding fails, and so does a fixed one still listed.
KNOWN_FINDINGS = {
    # The IAM docs' own example compares iam:PermissionsBoundary with StringEquals; parliament
    # would like ArnEquals. It works as written.
    ("FunctionRolesWithBoundary", "MISMATCHED_TYPE_BUT_USABLE"),
    # Resource "*" narrowed by a lambda:FunctionArn condition; parliament knows mapping ARNs.
    ("FunctionTriggers", "RESOURCE_STAR"),
    # parliament's database lists no resource type for sns:Unsubscribe and
    # sns:SetSubscriptionAttributes (Resource "*" only): if AWS agrees, granted on the topic ARN
    # they match nothing and the apply role cannot remove an alarm subscription.
    ("AlarmTopics", "RESOURCE_MISMATCH"),
    # The same for logs:DescribeLogGroups and sns:GetSubscriptionAttributes (plan role): likely
    # AccessDenied reading log groups and subscriptions during a real plan.
    ("DescribeLogGroups", "RESOURCE_MISMATCH"),
    ("DescribeTopics", "RESOURCE_MISMATCH"),
}


def lint(tree: pathlib.Path, scratch: pathlib.Path, roots=ROOTS) -> tuple[list, list[str]]:
    """parliament over the roots' offline plans, as `make tf-check --plan-json` writes them."""
    assert tfcheck.run(tree, list(roots), scratch) == 0, "the offline plans failed"
    checked = []
    for root in roots:
        plan = json.loads((scratch / f"{root.replace('/', '_')}.json").read_text())
        checked += policy_lint.statements(plan)
    return checked, policy_lint.findings(checked)


def finding_keys(findings: list[str]) -> set[tuple[str, str]]:
    # "<address> statement <n> (<sid>): <ISSUE> <detail>"
    keys = set()
    for finding in findings:
        sid = finding.split(" (", 1)[1].split("): ", 1)[0]
        keys.add((sid, finding.split("): ", 1)[1].split(" ", 1)[0]))
    return keys


@pytest.fixture(scope="module")
def repo_lint(tmp_path_factory):
    return lint(REPO, tmp_path_factory.mktemp("policy-lint"))


def test_every_policy_document_of_every_role_is_linted(repo_lint):
    checked, _ = repo_lint
    documents = {s.document for s in checked}
    for name in ("apply", "plan", "function_boundary", "github_trust", "image_push"):
        assert any(d.startswith(f"data.aws_iam_policy_document.{name}") for d in documents)
    for name in ("enqueue", "worker", "dead_letters"):
        assert f"module.stack.data.aws_iam_policy_document.{name}" in documents
    # most CI-role statements name their resources by string, so they get the full check
    assert sum(s.resources_known for s in checked) >= 100


def test_the_policies_have_only_the_known_findings(repo_lint):
    _, findings = repo_lint
    assert finding_keys(findings) == KNOWN_FINDINGS, "\n".join(findings)


def test_planted_policy_defects_are_caught(tmp_path):
    tree = tree_copy(tmp_path / "tree")
    # a misspelt action where the resources are unknown at plan (the queue's ARN)
    plant(
        tree / "infra/iam.tf",
        '    sid       = "QueueRequests"\n    actions   = ["sqs:SendMessage"]',
        '    sid       = "QueueRequests"\n    actions   = ["sqs:SendMesage"]',
    )
    # an action with resource types granted on "*"
    plant(
        tree / "infra/bootstrap/environment_roles.tf",
        'actions   = ["lambda:GetAccountSettings"]',
        'actions   = ["lambda:GetAccountSettings", "lambda:GetFunction"]',
    )
    # a resource of the wrong type for the action
    plant(
        tree / "infra/bootstrap/environment_roles.tf",
        'actions   = ["events:DescribeRule", "events:ListTargetsByRule",',
        'actions   = ["events:DescribeRule", "s3:GetObject", "events:ListTargetsByRule",',
    )
    _, findings = lint(tree, tmp_path / "plans", roots=("infra/bootstrap", "environments/dev"))
    planted = finding_keys(findings) - KNOWN_FINDINGS
    assert planted == {
        ("QueueRequests", "UNKNOWN_ACTION"),
        ("ReadLambdaQuota", "RESOURCE_STAR"),
        ("DescribeRules", "RESOURCE_MISMATCH"),
    }, "\n".join(findings)
