# One SQS queue triggering one function alias, with the rules AWS states for that pairing checked
# at plan time. The messages name the caller's settings (var.setting_names) so they say what to
# change where the caller keeps it.

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.queue_arn
  function_name                      = var.function_arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds

  # Only the failed messages of a batch are retried; the rest are deleted. The function returns
  # batchItemFailures; without this setting a single bad message would retry the whole batch.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.queue_visibility_timeout_seconds >= 6 * var.function_timeout_seconds
      error_message = trimspace("${var.setting_names.queue_visibility_timeout_seconds} (${var.queue_visibility_timeout_seconds}) must be at least 6 x ${var.setting_names.function_timeout_seconds} (${6 * var.function_timeout_seconds}), as AWS asks for SQS-triggered functions: raise ${var.setting_names.queue_visibility_timeout_seconds} or lower ${var.setting_names.function_timeout_seconds}. ${var.settings_hint}")
    }

    precondition {
      condition     = var.maximum_concurrency >= 2 && (var.function_reserved_concurrency == null || var.maximum_concurrency <= coalesce(var.function_reserved_concurrency, 0))
      error_message = trimspace("${var.setting_names.maximum_concurrency} (${var.maximum_concurrency}) must be at least 2 (the SQS mapping minimum) and, when ${var.setting_names.function_reserved_concurrency} is set, at most it (${coalesce(var.function_reserved_concurrency, "null")}), or the mapping gets throttled: raise ${var.setting_names.function_reserved_concurrency} (or set it to null) or lower ${var.setting_names.maximum_concurrency}. ${var.settings_hint}")
    }
  }
}
