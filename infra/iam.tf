# One least-privilege policy per function: named actions only, on this stack's own ARNs.
# Each function module adds writing its own logs (and X-Ray traces) to its role.

data "aws_iam_policy_document" "enqueue" {
  statement {
    sid       = "RecordRequests"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem"]
    resources = [module.results.table_arn]
  }

  statement {
    sid       = "QueueRequests"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
  }

  # With a customer managed key on the queue and the table, callers must be allowed to use it.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "UseStackKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "ConsumeQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [module.queue.queue_arn]
  }

  # The worker forwards poison messages to the DLQ itself, then acks them.
  statement {
    sid       = "ForwardPoisonMessages"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.dlq_arn]
  }

  statement {
    sid       = "WriteResults"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [module.results.table_arn]
  }

  statement {
    sid       = "ReadModel"
    actions   = ["s3:GetObject"]
    resources = [local.model_object_arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "UseStackKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}
