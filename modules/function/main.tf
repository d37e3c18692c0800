data "aws_caller_identity" "current" {}

################################################################################
# Permissions: one role per function, only the statements it needs
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json

  # The ceiling of this role whatever policy_json says; the apply roles may create no role
  # without it (infra/bootstrap/environment_roles.tf).
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [var.policy_json]

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # X-Ray has no resource-level permissions: "*" is the only resource it accepts.
  dynamic "statement" {
    for_each = var.tracing ? [1] : []

    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = var.name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Logs: declared before the function so Lambda never creates a never-expiring group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is an input (log_retention_days): a year in prod, days in dev, where logs are short-lived by design.
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:An async-invoke DLQ never fires here: API Gateway invokes the enqueue function synchronously and the worker's failures go to its SQS queue's DLQ.
  #checkov:skip=CKV_AWS_117:The functions reach only AWS APIs (IAM-authorised, TLS); a VPC would add NAT or endpoint cost and nothing to protect.
  #checkov:skip=CKV_AWS_272:Code comes from this repo (zip hashed by Terraform) or a private, scanned ECR image pinned by tag or digest; Signer profiles are an account-level choice.
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn
  architectures = [var.architecture]
  timeout       = var.timeout_seconds
  memory_size   = var.memory_size_mb
  kms_key_arn   = var.kms_key_arn

  # Every deploy publishes a version, so the alias (and provisioned concurrency) never points at $LATEST.
  publish                        = true
  reserved_concurrent_executions = coalesce(var.reserved_concurrency, -1)

  package_type     = var.image == null ? "Zip" : "Image"
  filename         = try(var.zip.path, null)
  source_code_hash = try(var.zip.sha256, null)
  handler          = try(var.zip.handler, null)
  runtime          = try(var.zip.runtime, null)
  image_uri        = try(var.image.uri, null)

  dynamic "image_config" {
    for_each = var.image == null ? [] : [var.image]

    content {
      command = image_config.value.command
    }
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [1] : []

    content {
      variables = var.environment_variables
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "INFO"
  }

  tracing_config {
    mode = var.tracing ? "Active" : "PassThrough"
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

################################################################################
# Concurrency and alias
################################################################################

resource "aws_lambda_alias" "this" {
  name             = var.alias_name
  description      = "The published version callers use."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_provisioned_concurrency_config" "this" {
  count = var.provisioned_concurrency > 0 ? 1 : 0

  function_name                     = aws_lambda_alias.this.function_name
  qualifier                         = aws_lambda_alias.this.name
  provisioned_concurrent_executions = var.provisioned_concurrency

  lifecycle {
    precondition {
      condition     = aws_lambda_alias.this.function_version != "$LATEST"
      error_message = "Provisioned concurrency needs a published version behind the alias: keep publish = true on the function."
    }
  }
}
