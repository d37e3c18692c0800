# Per environment: a plan role (reads the state, describes the stack, reads no data), an apply
# role (changes only that environment's resources) and the permissions boundary every role the
# apply role creates must carry. docs/security.md explains each role and what it cannot do.
#
# Every name the stack of environment <env> creates starts with "<prefix>-<env>-"
# (environments/shared/stack.tf sets name = "<prefix>-<env>", infra/ appends the rest), so its
# resources can be named here before they exist.

locals {
  stack = { for env in var.environments : env => "${var.name_prefix}-${env}" }

  # The roles the stack creates: modules/function names its role after the function, and infra/
  # names the functions "<stack>-<suffix>". IAM grants name these ARNs exactly (no wildcard), so
  # no apply role can reach a role of the bootstrap, another environment or itself.
  function_role_suffixes = ["enqueue", "worker", "dead-letters"]

  function_role_arns = {
    for env, stack in local.stack : env => [
      for suffix in local.function_role_suffixes :
      "arn:${local.partition}:iam::${local.account_id}:role/${stack}-${suffix}"
    ]
  }

  boundary_arn = {
    for env, stack in local.stack : env => "arn:${local.partition}:iam::${local.account_id}:policy/${stack}-function-boundary"
  }

  # The roles of this bootstrap: no environment's apply role may change them.
  ci_role_arns = concat(
    [for env, stack in local.stack : "arn:${local.partition}:iam::${local.account_id}:role/${stack}-plan"],
    [for env, stack in local.stack : "arn:${local.partition}:iam::${local.account_id}:role/${stack}-apply"],
    ["arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-image-push"],
  )

  # ARN patterns of one environment's resources, by service.
  arns = {
    for env, stack in local.stack : env => {
      functions        = "arn:${local.partition}:lambda:${var.aws_region}:${local.account_id}:function:${stack}-*"
      mappings         = "arn:${local.partition}:lambda:${var.aws_region}:${local.account_id}:event-source-mapping:*"
      queues           = "arn:${local.partition}:sqs:${var.aws_region}:${local.account_id}:${stack}-*"
      tables           = "arn:${local.partition}:dynamodb:${var.aws_region}:${local.account_id}:table/${stack}-*"
      function_logs    = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:/aws/lambda/${stack}-*"
      api_logs         = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:/aws/apigateway/${stack}-*"
      alarms           = "arn:${local.partition}:cloudwatch:${var.aws_region}:${local.account_id}:alarm:${stack}-*"
      topics           = "arn:${local.partition}:sns:${var.aws_region}:${local.account_id}:${stack}-*"
      rules            = "arn:${local.partition}:events:${var.aws_region}:${local.account_id}:rule/${stack}-*"
      model_objects    = "${aws_s3_bucket.this["models"].arn}/*"
      state_object     = "${aws_s3_bucket.this["state"].arn}/${var.name_prefix}/${env}/terraform.tfstate"
      state_lock       = "${aws_s3_bucket.this["state"].arn}/${var.name_prefix}/${env}/terraform.tfstate.tflock"
      http_apis        = "arn:${local.partition}:apigateway:${var.aws_region}::/apis"
      http_api_parts   = "arn:${local.partition}:apigateway:${var.aws_region}::/apis/*"
      http_api_tagging = "arn:${local.partition}:apigateway:${var.aws_region}::/tags/*"
    }
  }
}

################################################################################
# Permissions boundary: the most any function role of the environment can ever do
################################################################################

# The union of what the three functions call (infra/iam.tf plus logs and traces), on this
# environment's resources. A function role whose own policy says more (a pull request that
# writes "Action": "*") still gets no more than this, and no IAM at all.
data "aws_iam_policy_document" "function_boundary" {
  for_each = local.stack

  statement {
    sid       = "ResultsItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [local.arns[each.key].tables]
  }

  statement {
    sid       = "Queues"
    actions   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [local.arns[each.key].queues]
  }

  statement {
    sid       = "ReadModels"
    actions   = ["s3:GetObject"]
    resources = [local.arns[each.key].model_objects]
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.arns[each.key].function_logs}:*"]
  }

  # X-Ray has no resource-level permissions.
  statement {
    sid       = "Traces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  # A customer managed key (infra's kms_key_arn), when the environment uses one.
  statement {
    sid       = "StackKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["arn:${local.partition}:kms:${var.aws_region}:${local.account_id}:key/*"]
  }
}

resource "aws_iam_policy" "function_boundary" {
  for_each = local.stack

  name        = "${each.value}-function-boundary"
  description = "Permissions boundary of the ${each.key} function roles: at most their own resources, never IAM."
  policy      = data.aws_iam_policy_document.function_boundary[each.key].json
}

################################################################################
# Plan role: terraform plan (pull requests and main)
################################################################################

resource "aws_iam_role" "plan" {
  for_each = local.stack

  name                 = "${each.value}-plan"
  description          = "terraform plan of ${each.key}: reads its state, describes its resources, reads no data."
  assume_role_policy   = data.aws_iam_policy_document.github_trust["plan-${each.key}"].json
  max_session_duration = 3600
}

# Any pull request can assume this role and runs its own Terraform under it, so it is granted
# only what a refresh reads: resource settings, never items, messages, log events or objects
# other than this environment's state.
data "aws_iam_policy_document" "plan" {
  for_each = local.stack

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["state"].arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.arns[each.key].state_object]
  }

  # The S3 backend's native lock is an object next to the state; a plan takes it too.
  statement {
    sid       = "LockState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.arns[each.key].state_lock]
  }

  statement {
    sid = "DescribeFunctions"
    actions = [
      "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction",
      "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetAlias",
      "lambda:GetProvisionedConcurrencyConfig", "lambda:GetPolicy", "lambda:ListTags",
    ]
    resources = [local.arns[each.key].functions]
  }

  statement {
    sid       = "DescribeMappings"
    actions   = ["lambda:GetEventSourceMapping", "lambda:ListTags"]
    resources = [local.arns[each.key].mappings]
  }

  statement {
    sid       = "DescribeQueues"
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
    resources = [local.arns[each.key].queues]
  }

  statement {
    sid = "DescribeTables"
    actions = [
      "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:DescribeContinuousBackups",
      "dynamodb:ListTagsOfResource",
    ]
    resources = [local.arns[each.key].tables]
  }

  statement {
    sid       = "DescribeLogGroups"
    actions   = ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = [local.arns[each.key].function_logs, local.arns[each.key].api_logs]
  }

  # API Gateway's ARNs carry the API id, not its name: see docs/security.md, one account.
  statement {
    sid       = "DescribeHttpApis"
    actions   = ["apigateway:GET"]
    resources = [local.arns[each.key].http_apis, local.arns[each.key].http_api_parts, local.arns[each.key].http_api_tagging]
  }

  statement {
    sid       = "DescribeFunctionRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]
    resources = local.function_role_arns[each.key]
  }

  statement {
    sid       = "DescribeAlarms"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
    resources = [local.arns[each.key].alarms]
  }

  statement {
    sid = "DescribeTopics"
    actions = [
      "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:GetSubscriptionAttributes",
      "sns:ListTagsForResource",
    ]
    resources = [local.arns[each.key].topics]
  }

  statement {
    sid       = "DescribeRules"
    actions   = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
    resources = [local.arns[each.key].rules]
  }

  # `asyncinfer preflight` and the pull-request plan look up the worker image by tag or digest.
  statement {
    sid       = "DescribeWorkerImages"
    actions   = ["ecr:DescribeImages"]
    resources = [module.worker_images.repository_arn]
  }

  # Account-wide settings with no resource type: preflight's concurrency check.
  statement {
    sid       = "ReadLambdaQuota"
    actions   = ["lambda:GetAccountSettings"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "plan" {
  for_each = aws_iam_role.plan

  name   = "plan-${each.key}"
  role   = each.value.name
  policy = data.aws_iam_policy_document.plan[each.key].json
}

################################################################################
# Apply role: terraform apply of one environment (its GitHub environment only)
################################################################################

resource "aws_iam_role" "apply" {
  for_each = local.stack

  name                 = "${each.value}-apply"
  description          = "terraform apply of ${each.key} from the GitHub environment ${each.key}: its own resources only."
  assume_role_policy   = data.aws_iam_policy_document.github_trust["apply-${each.key}"].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "apply" {
  for_each = local.stack

  source_policy_documents = [data.aws_iam_policy_document.plan[each.key].json]

  statement {
    sid       = "WriteState"
    actions   = ["s3:PutObject"]
    resources = [local.arns[each.key].state_object]
  }

  # ---- IAM: the three function roles, each with the environment's boundary -------------------

  # Creating a role and changing what it may do both need the boundary on the role: a role
  # without it (or with another) can be given nothing.
  statement {
    sid = "FunctionRolesWithBoundary"
    actions = [
      "iam:CreateRole", "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
    ]
    resources = local.function_role_arns[each.key]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn[each.key]]
    }
  }

  statement {
    sid = "ManageFunctionRoles"
    actions = [
      "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
      "iam:ListInstanceProfilesForRole",
    ]
    resources = local.function_role_arns[each.key]
  }

  statement {
    sid       = "PassFunctionRolesToLambda"
    actions   = ["iam:PassRole"]
    resources = local.function_role_arns[each.key]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }

  # Explicit denies win over any allow, including one attached to this role later by hand.
  statement {
    sid       = "NeverDropTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid           = "NoIamBeyondFunctionRoles"
    effect        = "Deny"
    actions       = ["iam:*"]
    not_resources = local.function_role_arns[each.key]
  }

  statement {
    sid       = "NeverTouchTheCiRoles"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = concat(local.ci_role_arns, [for env, arn in local.boundary_arn : arn])
  }

  # ---- The stack's services, on this environment's names -----------------------------------

  statement {
    sid = "Functions"
    actions = [
      "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion", "lambda:TagResource",
      "lambda:UntagResource", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
      "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias",
      "lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig",
      "lambda:AddPermission", "lambda:RemovePermission",
    ]
    resources = [local.arns[each.key].functions]
  }

  # Event source mappings are named by a UUID: the function they invoke is the scope.
  statement {
    sid = "FunctionTriggers"
    actions = [
      "lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping",
      "lambda:DeleteEventSourceMapping",
    ]
    resources = ["*"]

    condition {
      test     = "ArnLike"
      variable = "lambda:FunctionArn"
      values   = [local.arns[each.key].functions]
    }
  }

  statement {
    sid       = "TagFunctionTriggers"
    actions   = ["lambda:TagResource", "lambda:UntagResource"]
    resources = [local.arns[each.key].mappings]
  }

  # Lambda pulls the image with the caller's rights when it creates or updates the function.
  statement {
    sid       = "PullWorkerImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [module.worker_images.repository_arn]
  }

  statement {
    sid = "Queues"
    actions = [
      "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue",
    ]
    resources = [local.arns[each.key].queues]
  }

  statement {
    sid = "Tables"
    actions = [
      "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive",
      "dynamodb:UpdateContinuousBackups", "dynamodb:TagResource", "dynamodb:UntagResource",
    ]
    resources = [local.arns[each.key].tables]
  }

  statement {
    sid = "LogGroups"
    actions = [
      "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
      "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource",
      "logs:TagLogGroup", "logs:UntagLogGroup",
    ]
    resources = [local.arns[each.key].function_logs, local.arns[each.key].api_logs]
  }

  # HTTP API access logging goes through CloudWatch Logs' log delivery, which has no resource type.
  statement {
    sid = "ApiAccessLogDelivery"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
    ]
    resources = ["*"]
  }

  # API Gateway's ARNs carry the API id, not its name: see docs/security.md, one account.
  statement {
    sid       = "HttpApis"
    actions   = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"]
    resources = [local.arns[each.key].http_apis, local.arns[each.key].http_api_parts, local.arns[each.key].http_api_tagging]
  }

  statement {
    sid = "Alarms"
    actions = [
      "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ]
    resources = [local.arns[each.key].alarms]
  }

  statement {
    sid = "AlarmTopics"
    actions = [
      "sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe",
      "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource",
    ]
    resources = [local.arns[each.key].topics]
  }

  statement {
    sid = "WarmupSchedule"
    actions = [
      "events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets",
      "events:TagResource", "events:UntagResource",
    ]
    resources = [local.arns[each.key].rules]
  }
}

resource "aws_iam_role_policy" "apply" {
  for_each = aws_iam_role.apply

  name   = "apply-${each.key}"
  role   = each.value.name
  policy = data.aws_iam_policy_document.apply[each.key].json
}
