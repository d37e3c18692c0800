"""Each defect kind the schema validator exists for, planted in a small representative tree
(and one in a copy of the real tree), is caught with a message naming the problem and its line."""

from __future__ import annotations

import pathlib
import sys

import pytest

from tests.terraform.tf_checks import plant, tree_copy

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".ci"))

from tfschema.schema import load_schema  # noqa: E402
from tfschema.validate import Validator, terraform_files  # noqa: E402

# Representative of what our modules use: blocks, nested and dynamic blocks, meta-arguments,
# a provider block, a non-aws data source, references with indexes, splats, data sources and
# interpolations, in resources, locals and outputs (a second file of the same module).
MAIN_TF = """\
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { project = "asyncinfer" }
  }
}

data "aws_caller_identity" "current" {}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_sqs_queue" "dlq" {
  name                      = "work-dlq"
  message_retention_seconds = 1209600
  policy                    = <<-EOT
    {"Statement": [{"Effect": "Deny", "Principal": {"AWS": "$${aws:username}"},
      "Action": "sqs:*", "Condition": {"StringNotEquals": {
        "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}"}}}]}
  EOT
}

moved {
  from = aws_sqs_queue.old_work
  to   = aws_sqs_queue.work
}

resource "aws_sqs_queue" "work" {
  count                      = 1
  name                       = "work"
  visibility_timeout_seconds = 1800
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
  tags = {
    owner = "ml"
  }
  timeouts {
    create = "5m"
  }
}

resource "aws_dynamodb_table" "results" {
  name         = "results"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "request_id"

  attribute {
    name = "request_id"
    type = "S"
  }

  dynamic "attribute" {
    for_each = var.extra_keys
    content {
      name = attribute.value
      type = "S"
    }
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = "artifacts-${data.aws_caller_identity.current.account_id}"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_lambda_function" "enqueue" {
  function_name    = "enqueue"
  role             = "arn:aws:iam::123456789012:role/enqueue"
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = "handler.handler"
  runtime          = "python3.12"
  environment {
    variables = {
      QUEUE_URL     = aws_sqs_queue.work[0].url
      RESULTS_TABLE = aws_dynamodb_table.results.name
    }
  }
  depends_on = [aws_sqs_queue.work]
}

locals {
  queue_arns = aws_sqs_queue.work[*].arn
}

resource "aws_security_group" "endpoints" {
  name = "endpoints"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress = [{
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    description      = null
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }]
}
"""

OUTPUTS_TF = """\
variable "extra_keys" {
  description = "Extra string key attributes."
  type        = list(string)
  default     = []
}

output "queue_arns" {
  description = "Work queue ARNs."
  value       = local.queue_arns
}

output "invoke_arn" {
  description = "Invoke ARN of the enqueue function."
  value       = "${aws_lambda_function.enqueue.invoke_arn}"
}

output "table_stream" {
  description = "Stream ARN of the results table."
  value       = aws_dynamodb_table.results.stream_arn
}
"""


@pytest.fixture
def tree(tmp_path):
    module = tmp_path / "stack"
    module.mkdir()
    (module / "main.tf").write_text(MAIN_TF)
    (module / "outputs.tf").write_text(OUTPUTS_TF)
    return module


def problems_of(files):
    return [str(p) for p in Validator(load_schema()).validate_files(files)]


def line_of(path: pathlib.Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_representative_tree_is_clean(tree):
    validator = Validator(load_schema())
    assert validator.validate_files(sorted(tree.glob("*.tf"))) == []
    assert validator.stats.resources == 7  # archive_file is counted as skipped, not checked
    assert validator.stats.skipped == {"archive_file": 1}


# (id, file, old, new, line marker in the mutated file, expected message)
MUTATIONS = [
    (
        "misspelt_argument",
        "main.tf",
        "  visibility_timeout_seconds = 1800",
        "  visibilty_timeout_seconds = 1800",
        "visibilty_timeout_seconds",
        'aws_sqs_queue.work: unknown argument "visibilty_timeout_seconds"; '
        'did you mean "visibility_timeout_seconds"?',
    ),
    (
        "removed_required_argument",
        "main.tf",
        '  role             = "arn:aws:iam::123456789012:role/enqueue"\n',
        "",
        'resource "aws_lambda_function"',
        'aws_lambda_function.enqueue: missing required argument "role"',
    ),
    (
        "removed_required_nested_argument",
        "main.tf",
        '      sse_algorithm = "aws:kms"\n',
        "",
        "apply_server_side_encryption_by_default {",
        "aws_s3_bucket_server_side_encryption_configuration.artifacts.rule."
        'apply_server_side_encryption_by_default: missing required argument "sse_algorithm"',
    ),
    (
        "removed_required_block",
        "main.tf",
        "  rule {\n    apply_server_side_encryption_by_default {\n"
        '      sse_algorithm = "aws:kms"\n    }\n  }\n',
        "",
        'resource "aws_s3_bucket_server_side_encryption_configuration"',
        "aws_s3_bucket_server_side_encryption_configuration.artifacts: "
        'missing required nested block "rule"',
    ),
    (
        "block_turned_into_attribute",
        "main.tf",
        "  ttl {",
        "  ttl = {",
        "ttl = {",
        'aws_dynamodb_table.results: "ttl" is a nested block, not an argument',
    ),
    (
        "attribute_turned_into_block",
        "main.tf",
        "  tags = {\n    owner",
        "  tags {\n    owner",
        "  tags {",
        'aws_sqs_queue.work: "tags" is an argument, not a nested block',
    ),
    (
        "misspelt_argument_in_attribute_written_as_block",
        "main.tf",
        "    from_port   = 443",
        "    form_port   = 443",
        "form_port",
        'aws_security_group.endpoints.ingress: unknown argument "form_port"; '
        'did you mean "from_port"?',
    ),
    (
        "misspelt_nested_block",
        "main.tf",
        "  point_in_time_recovery {",
        "  point_in_time_recover {",
        "point_in_time_recover {",
        'aws_dynamodb_table.results: unknown nested block "point_in_time_recover"; '
        'did you mean "point_in_time_recovery"?',
    ),
    (
        "misspelt_argument_in_dynamic_content",
        "main.tf",
        "      name = attribute.value",
        "      nmae = attribute.value",
        "nmae",
        'aws_dynamodb_table.results.attribute: unknown argument "nmae"; did you mean "name"?',
    ),
    (
        "dynamic_block_of_unknown_name",
        "main.tf",
        'dynamic "attribute"',
        'dynamic "atribute"',
        'dynamic "atribute"',
        'unknown nested block "atribute"; did you mean "attribute"?',
    ),
    (
        "misspelt_provider_argument",
        "main.tf",
        '  region = "eu-west-1"',
        '  regoin = "eu-west-1"',
        "regoin",
        'provider aws: unknown argument "regoin"; did you mean "region"?',
    ),
    (
        "unknown_resource_type",
        "main.tf",
        'resource "aws_sqs_queue" "dlq"',
        'resource "aws_sqs_qeue" "dlq"',
        '"aws_sqs_qeue"',
        'unknown resource type "aws_sqs_qeue" in provider 6.69.1; did you mean "aws_sqs_queue"? '
        "(if the provider was upgraded, run `make tf-schema`",
    ),
    (
        "reference_to_missing_attribute",
        "outputs.tf",
        "aws_dynamodb_table.results.stream_arn",
        "aws_dynamodb_table.results.stream_url",
        "stream_url",
        'aws_dynamodb_table has no attribute "stream_url"; did you mean "stream_arn"?',
    ),
    (
        "indexed_reference_to_missing_attribute",
        "main.tf",
        "aws_sqs_queue.work[0].url",
        "aws_sqs_queue.work[0].queue_url",
        "queue_url",
        'aws_sqs_queue.work[i].queue_url: aws_sqs_queue has no attribute "queue_url"',
    ),
    (
        "splat_reference_to_missing_attribute",
        "main.tf",
        "aws_sqs_queue.work[*].arn",
        "aws_sqs_queue.work[*].queue_arn",
        "queue_arn",
        'aws_sqs_queue has no attribute "queue_arn"',
    ),
    (
        "interpolated_reference_to_missing_attribute",
        "outputs.tf",
        "${aws_lambda_function.enqueue.invoke_arn}",
        "${aws_lambda_function.enqueue.invocation_arn}",
        "invocation_arn",
        'aws_lambda_function has no attribute "invocation_arn"; did you mean "invoke_arn"?',
    ),
    (
        "data_source_reference_to_missing_attribute",
        "main.tf",
        '"artifacts-${data.aws_caller_identity.current.account_id}"',
        '"artifacts-${data.aws_caller_identity.current.account}"',
        "current.account}",
        'data.aws_caller_identity has no attribute "account"',
    ),
    (
        "heredoc_reference_to_missing_attribute",
        "main.tf",
        '"${data.aws_caller_identity.current.account_id}"}',
        '"${data.aws_caller_identity.current.acount_id}"}',
        "policy                    = <<-EOT",
        'data.aws_caller_identity has no attribute "acount_id"; did you mean "account_id"?',
    ),
    (
        "moved_block_to_undeclared_resource",
        "main.tf",
        "  to   = aws_sqs_queue.work\n",
        "  to   = aws_sqs_queue.wrok\n",
        "aws_sqs_queue.wrok",
        "reference to undeclared aws_sqs_queue.wrok",
    ),
    (
        "reference_to_undeclared_resource",
        "main.tf",
        "deadLetterTargetArn = aws_sqs_queue.dlq.arn",
        "deadLetterTargetArn = aws_sqs_queue.dead.arn",
        "aws_sqs_queue.dead",
        "reference to undeclared aws_sqs_queue.dead",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "marker", "message"),
    [pytest.param(*m[1:], id=m[0]) for m in MUTATIONS],
)
def test_planted_defect_is_reported_at_its_line(tree, file, old, new, marker, message):
    plant(tree / file, old, new)
    problems = problems_of(sorted(tree.glob("*.tf")))
    line = line_of(tree / file, marker)
    where = f"stack/{file}:{line}: "
    assert any(where in p and message in p for p in problems), problems


def test_defect_planted_in_a_copy_of_the_real_tree_is_caught(tmp_path):
    copy = tree_copy(tmp_path / "repo")
    files = terraform_files(copy)
    target = next(f for f in files if 'resource "aws_' in f.read_text())
    first = next(
        line for line in target.read_text().splitlines() if line.startswith('resource "aws_')
    )
    type_name, name = first.split('"')[1], first.split('"')[3]
    plant(target, first + "\n", first + "\n  not_an_argument_of_this_type = true\n")
    problems = problems_of(files)
    assert any(
        f'{type_name}.{name}: unknown argument "not_an_argument_of_this_type"' in p
        for p in problems
    ), problems
