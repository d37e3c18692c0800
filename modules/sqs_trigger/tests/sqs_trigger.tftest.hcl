# Each validation and precondition of the module refuses a bad value on its own; a valid
# pairing plans with the batch settings it was given.

variables {
  queue_arn                          = "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-requests"
  function_arn                       = "arn:aws:lambda:eu-west-1:123456789012:function:asyncinfer-test-worker:live"
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  maximum_concurrency                = 2
  queue_visibility_timeout_seconds   = 720
  function_timeout_seconds           = 120
  function_reserved_concurrency      = 4
}

run "valid_pairing_plans" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this.batch_size == 10 && aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 1
    error_message = "The mapping must batch as batch_size and maximum_batching_window_in_seconds say."
  }

  assert {
    condition     = one(aws_lambda_event_source_mapping.this.scaling_config).maximum_concurrency == 2
    error_message = "The mapping must cap concurrency at maximum_concurrency."
  }

  assert {
    condition     = toset(aws_lambda_event_source_mapping.this.function_response_types) == toset(["ReportBatchItemFailures"])
    error_message = "The mapping must report batch item failures, or one bad message retries its whole batch."
  }
}

run "queue_arn_of_another_service" {
  command = plan
  variables { queue_arn = "arn:aws:sns:eu-west-1:123456789012:asyncinfer-test-requests" }
  expect_failures = [var.queue_arn]
}

run "unqualified_function_arn" {
  command = plan
  variables { function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:asyncinfer-test-worker" }
  expect_failures = [var.function_arn]
}

run "empty_batch" {
  command = plan
  variables { batch_size = 0 }
  expect_failures = [var.batch_size]
}

run "large_batch_without_window" {
  command = plan
  variables {
    batch_size                         = 11
    maximum_batching_window_in_seconds = 0
  }
  expect_failures = [var.batch_size]
}

run "batching_window_above_5_minutes" {
  command = plan
  variables { maximum_batching_window_in_seconds = 301 }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "concurrency_above_the_mapping_maximum" {
  command = plan
  variables {
    maximum_concurrency           = 1001
    function_reserved_concurrency = null
  }
  expect_failures = [var.maximum_concurrency]
}

run "function_timeout_above_15_minutes" {
  command = plan
  variables {
    function_timeout_seconds         = 901
    queue_visibility_timeout_seconds = 43200
  }
  expect_failures = [var.function_timeout_seconds]
}

run "visibility_below_6x_timeout" {
  command = plan
  variables { queue_visibility_timeout_seconds = 719 }
  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "concurrency_below_2" {
  command = plan
  variables { maximum_concurrency = 1 }
  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "concurrency_above_reserved" {
  command = plan
  variables { maximum_concurrency = 5 }
  expect_failures = [aws_lambda_event_source_mapping.this]
}
