locals {
  # Every alarm: one metric, one threshold, one period of one minute unless said otherwise.
  alarms = {
    # The dead-letter drain empties the DLQ within seconds, so its depth says nothing: each drain
    # invocation means messages were dead-lettered (requests failed after every retry), and an
    # old message in the DLQ means the drain itself is failing.
    dead-lettered = {
      description = "Messages reached the dead-letter queue: their requests failed after every retry (the drain's logs name them)."
      namespace   = "AWS/Lambda"
      metric      = "Invocations"
      statistic   = "Sum"
      dimensions  = { FunctionName = var.dead_letter_function_name }
      threshold   = 0
      period      = 60
    }
    dlq-oldest-message-age = {
      description = "A dead-lettered message waits in the DLQ: the dead-letter drain is failing, and its requests may stay pending or processing."
      namespace   = "AWS/SQS"
      metric      = "ApproximateAgeOfOldestMessage"
      statistic   = "Maximum"
      dimensions  = { QueueName = var.dlq_name }
      threshold   = var.dlq_oldest_message_age_seconds
      period      = 60
    }
    oldest-message-age = {
      description = "The oldest queued message waits too long: the worker is failing or throttled."
      namespace   = "AWS/SQS"
      metric      = "ApproximateAgeOfOldestMessage"
      statistic   = "Maximum"
      dimensions  = { QueueName = var.queue_name }
      threshold   = var.oldest_message_age_seconds
      period      = 60
    }
    worker-errors = {
      description = "The worker function failed invocations."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      statistic   = "Sum"
      dimensions  = { FunctionName = var.worker_function_name }
      threshold   = 0
      period      = 60
    }
    worker-throttles = {
      description = "The worker function was throttled: reserved concurrency is too low for the load."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      statistic   = "Sum"
      dimensions  = { FunctionName = var.worker_function_name }
      threshold   = 0
      period      = 60
    }
    api-5xx = {
      description = "The API answered with server errors."
      namespace   = "AWS/ApiGateway"
      metric      = "5xx"
      statistic   = "Sum"
      dimensions  = { ApiId = var.api_id, Stage = var.api_stage_name }
      threshold   = 0
      period      = 60
    }
  }
}

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26:CloudWatch cannot publish to a topic under the AWS managed aws/sns key; pass kms_key_arn (a CMK whose policy allows cloudwatch.amazonaws.com) to encrypt. Alarm messages carry no request data.
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = each.value.period
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  tags = var.tags
}
