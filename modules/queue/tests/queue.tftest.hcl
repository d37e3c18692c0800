# Each validation of the module refuses a bad value on its own; the defaults plan.

variables {
  name                       = "asyncinfer-test"
  visibility_timeout_seconds = 720
}

run "defaults_plan" {
  command = plan

  assert {
    condition     = aws_sqs_queue.dlq.name == "asyncinfer-test-dlq"
    error_message = "The dead-letter queue must be named <name>-dlq."
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled
    error_message = "Without a customer key both queues must use SSE-SQS."
  }
}

run "visibility_timeout_above_12_hours" {
  command = plan
  variables { visibility_timeout_seconds = 43201 }
  expect_failures = [var.visibility_timeout_seconds]
}

run "retention_below_a_minute" {
  command = plan
  variables { message_retention_seconds = 59 }
  expect_failures = [var.message_retention_seconds]
}

run "short_polling" {
  command = plan
  variables { receive_wait_time_seconds = 0 }
  expect_failures = [var.receive_wait_time_seconds]
}

run "max_receive_count_below_5" {
  command = plan
  variables { max_receive_count = 3 }
  expect_failures = [var.max_receive_count]
}

run "dlq_keeps_less_than_the_queue" {
  command = plan
  variables { dlq_message_retention_seconds = 345599 }
  expect_failures = [var.dlq_message_retention_seconds]
}

run "dlq_visibility_above_12_hours" {
  command = plan
  variables { dlq_visibility_timeout_seconds = 43201 }
  expect_failures = [var.dlq_visibility_timeout_seconds]
}
