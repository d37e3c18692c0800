"""checkov over all Terraform, offline, with this stack's custom policies (.ci/checkov/policies).

checkov is slow (about 20 s a scan), so the defects are planted together in one copy of the
tree and scanned once; each test then looks for its own finding in that one report.
"""

import pytest

from tests.terraform.tf_checks import checkov_check, checkov_report_of_repo, plant, tree_copy

# The first scan on a fresh machine installs checkov into .tools/checkov (a few minutes).
pytestmark = pytest.mark.timeout(1500)

LATEST_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:latest"
SKIP_WITH_REASON = (
    "  #checkov:skip=CKV_AWS_117:The functions reach only AWS APIs (IAM-authorised, TLS); a VPC "
    "would add NAT or endpoint cost and nothing to protect.\n"
)


def _plant_defects(tree):
    """One defect per custom policy, plus a built-in failure and a skip without a reason."""
    stack, modules = tree / "infra", tree / "modules"
    plant(
        modules / "sqs_trigger/main.tf",
        '  function_response_types = ["ReportBatchItemFailures"]\n',
        "",
    )
    plant(
        modules / "results_table/main.tf",
        "    enabled        = true\n",
        "    enabled        = false\n",
    )
    plant(modules / "http_api/main.tf", "  retention_in_days = var.log_retention_days\n", "")
    plant(
        modules / "queue/main.tf",
        "  redrive_policy = jsonencode({\n"
        "    deadLetterTargetArn = aws_sqs_queue.dlq.arn\n"
        "    maxReceiveCount     = var.max_receive_count\n"
        "  })\n",
        "",
    )
    dev_tfvars = tree / "environments/dev/terraform.tfvars"
    dev_tfvars.write_text(dev_tfvars.read_text() + f'worker_image_uri = "{LATEST_IMAGE}"\n')
    plant(
        stack / "iam.tf",
        '    actions   = ["sqs:SendMessage"]\n    resources = [module.queue.queue_arn]\n',
        '    actions   = ["sqs:*"]\n    resources = [module.queue.queue_arn]\n',
    )
    plant(
        modules / "function/main.tf",
        "  qualifier                         = aws_lambda_alias.this.name\n",
        "  qualifier                         = aws_lambda_function.this.version\n",
    )
    plant(
        modules / "ecr_repository/main.tf",
        "    scan_on_push = true\n",
        "    scan_on_push = false\n",
    )
    plant(modules / "function/main.tf", SKIP_WITH_REASON, "  #checkov:skip=CKV_AWS_117\n")


@pytest.fixture(scope="module")
def planted_report(tmp_path_factory):
    tree = tree_copy(tmp_path_factory.mktemp("checkov"))
    _plant_defects(tree)
    return checkov_check.scan(tree)


def _failed(report, check_id):
    return [f["resource"] for f in report["results"]["failed_checks"] if f["check_id"] == check_id]


def test_repo_has_no_failed_checks():
    assert checkov_check.failures(checkov_report_of_repo()) == []


def test_every_skip_in_the_repo_gives_its_reason():
    report = checkov_report_of_repo()
    assert report["results"]["skipped_checks"], "expected the documented inline skips"
    assert checkov_check.skips_without_reason(report) == []


def test_custom_policies_run_on_the_repo():
    passed = {p["check_id"] for p in checkov_report_of_repo()["results"]["passed_checks"]}
    assert {f"CKV_AINF_{n}" for n in range(1, 8)} <= passed


@pytest.mark.parametrize("trigger", ["worker_trigger", "dead_letters_trigger"])
def test_batch_item_failures_policy_sees_each_queue_trigger(trigger):
    passed = [
        p["resource"]
        for p in checkov_report_of_repo()["results"]["passed_checks"]
        if p["check_id"] == "CKV_AINF_1"
    ]
    assert any(f"module.{trigger}.aws_lambda_event_source_mapping.this" in r for r in passed)


@pytest.mark.parametrize(
    ("check_id", "resource_part"),
    [
        # no ReportBatchItemFailures in the module: seen through both of its calls
        ("CKV_AINF_1", "module.worker_trigger.aws_lambda_event_source_mapping.this"),
        ("CKV_AINF_1", "module.dead_letters_trigger.aws_lambda_event_source_mapping.this"),
        ("CKV_AINF_2", "aws_dynamodb_table.this"),  # TTL off
        ("CKV_AINF_3", "aws_cloudwatch_log_group.access"),  # log retention unset
        ("CKV_AINF_4", "aws_sqs_queue.this"),  # no DLQ attached
        ("CKV_AINF_5", "aws_lambda_function.this"),  # :latest image
        ("CKV_AINF_6", "aws_iam_policy_document.enqueue"),  # wildcard action
        ("CKV_AINF_7", "aws_lambda_provisioned_concurrency_config.this"),  # not on the alias
        ("CKV_AWS_163", "aws_ecr_repository.this"),  # a built-in check: scan on push off
    ],
)
def test_planted_defect_is_caught(planted_report, check_id, resource_part):
    assert any(resource_part in r for r in _failed(planted_report, check_id))


def test_planted_skip_without_reason_is_caught(planted_report):
    unexplained = checkov_check.skips_without_reason(planted_report)
    assert unexplained and all("CKV_AWS_117" in s for s in unexplained)
