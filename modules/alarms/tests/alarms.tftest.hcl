# The module has no validations; this plans it and checks the alarms it promises exist.

variables {
  name_prefix               = "asyncinfer-test"
  queue_name                = "asyncinfer-test-requests"
  dlq_name                  = "asyncinfer-test-requests-dlq"
  worker_function_name      = "asyncinfer-test-worker"
  dead_letter_function_name = "asyncinfer-test-dead-letters"
  api_id                    = "a1b2c3d4e5"
  api_stage_name            = "$default"
  alarm_emails              = ["oncall@example.com"]
}

run "plans_every_alarm" {
  command = plan

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.this), "dead-lettered") && contains(keys(aws_cloudwatch_metric_alarm.this), "worker-errors")
    error_message = "The dead-lettered and worker-errors alarms must exist."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["oldest-message-age"].threshold == 900
    error_message = "oldest-message-age must fire at oldest_message_age_seconds (900 by default)."
  }

  assert {
    condition     = keys(aws_sns_topic_subscription.email) == ["oncall@example.com"]
    error_message = "Each alarm email must get one subscription."
  }
}
