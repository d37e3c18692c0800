# Each validation and the precondition of the module refuses a bad value on its own; a zip and
# an image function plan, and the role's policy adds the log and trace writes to policy_json.

variables {
  name        = "asyncinfer-test-enqueue"
  description = "Test function."
  zip = {
    path    = "enqueue.zip"
    sha256  = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    handler = "asyncinfer_enqueue.handler.handler"
    runtime = "python3.12"
  }
  timeout_seconds = 10
  memory_size_mb  = 256
  environment_variables = {
    LOG_LEVEL = "INFO"
  }
  policy_json = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "Enqueue", "Effect": "Allow", "Action": "sqs:SendMessage",
         "Resource": "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-requests"}
      ]
    }
  JSON
}

run "zip_function_plans" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.package_type == "Zip" && aws_lambda_function.this.publish
    error_message = "A zip function must publish a version on every deploy."
  }

  assert {
    condition     = one(aws_lambda_function.this.environment).variables == tomap({ LOG_LEVEL = "INFO" })
    error_message = "The function must get exactly environment_variables."
  }
}

# The role's policy is read only once the log group exists: this run "applies" with every
# managed resource overridden (the stand-in cannot apply), so the stand-in renders the policy
# (its source_policy_documents merge included).
run "role_policy_adds_logs_and_traces" {
  command   = apply
  state_key = "rendered_policy" # its overridden "applied" state stays out of the other runs

  override_resource {
    target = aws_cloudwatch_log_group.this
    values = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/asyncinfer-test-enqueue" }
  }
  override_resource {
    target = aws_iam_role.this
  }
  override_resource {
    target = aws_iam_role_policy.this
  }
  override_resource {
    target = aws_lambda_function.this
  }
  override_resource {
    target = aws_lambda_alias.this
  }

  assert {
    condition = sort(flatten([for statement in jsondecode(data.aws_iam_policy_document.this.json).Statement : statement.Action])) == sort([
      "sqs:SendMessage", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    ])
    error_message = "The role's policy must be policy_json plus writing its own logs and traces, nothing else."
  }

  assert {
    condition     = contains(flatten([for statement in jsondecode(data.aws_iam_policy_document.this.json).Statement : statement.Resource]), "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/asyncinfer-test-enqueue:*")
    error_message = "The role may write only its own log group's streams."
  }
}

run "image_function_plans" {
  command = plan
  variables {
    zip   = null
    image = { uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:0a1b2c3d", command = ["asyncinfer_worker.handler.handler"] }
  }

  assert {
    condition     = aws_lambda_function.this.package_type == "Image" && one(aws_lambda_function.this.image_config).command == tolist(["asyncinfer_worker.handler.handler"])
    error_message = "An image function must run the image with the given command."
  }
}

run "neither_zip_nor_image" {
  command = plan
  variables { zip = null }
  expect_failures = [var.image]
}

run "image_latest_tag" {
  command = plan
  variables {
    zip   = null
    image = { uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:latest", command = ["asyncinfer_worker.handler.handler"] }
  }
  expect_failures = [var.image]
}

run "unknown_architecture" {
  command = plan
  variables { architecture = "amd64" }
  expect_failures = [var.architecture]
}

run "timeout_above_15_minutes" {
  command = plan
  variables { timeout_seconds = 901 }
  expect_failures = [var.timeout_seconds]
}

run "memory_below_128_mb" {
  command = plan
  variables { memory_size_mb = 127 }
  expect_failures = [var.memory_size_mb]
}

run "python_log_level_name" {
  command = plan
  variables { log_level = "WARNING" }
  expect_failures = [var.log_level]
}

run "wildcard_action" {
  command = plan
  variables {
    policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:*\"],\"Resource\":\"*\"}]}"
  }
  expect_failures = [var.policy_json]
}

run "boundary_not_a_policy_arn" {
  command = plan
  variables { permissions_boundary_arn = "arn:aws:iam::123456789012:role/asyncinfer-test-boundary" }
  expect_failures = [var.permissions_boundary_arn]
}

run "logs_kept_forever" {
  command = plan
  variables { log_retention_days = 0 }
  expect_failures = [var.log_retention_days]
}

run "reserved_concurrency_zero" {
  command = plan
  variables { reserved_concurrency = 0 }
  expect_failures = [var.reserved_concurrency]
}

run "provisioned_above_reserved" {
  command = plan
  variables {
    reserved_concurrency    = 1
    provisioned_concurrency = 2
  }
  expect_failures = [var.provisioned_concurrency]
}

run "provisioned_concurrency_on_latest" {
  command = plan
  variables { provisioned_concurrency = 1 }

  # What the precondition guards: a function whose alias would point at $LATEST.
  override_resource {
    target          = aws_lambda_function.this
    override_during = plan
    values          = { version = "$LATEST" }
  }
  expect_failures = [aws_lambda_provisioned_concurrency_config.this]
}
