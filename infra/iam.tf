# One least-privilege policy per function: named actions only, on this stack's own ARNs.
# Each function module adds writing its own logs (and X-Ray traces) to its role.

# With a customer managed key on the queues and the table, every function must be allowed to use
# it; each policy below includes this one. Without one it has no statement.
data "aws_iam_policy_document" "use_stack_key" {
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "UseStackKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "enqueue" {
  source_policy_documents = [data.aws_iam_policy_document.use_stack_key.json]

  statement {
    sid       = "RecordRequests"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"]
    resources = [module.results.table_arn]
  }

  statement {
    sid       = "QueueRequests"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
  }
}

data "aws_iam_policy_document" "worker" {
  source_policy_documents = [data.aws_iam_policy_document.use_stack_key.json]

  statement {
    sid       = "ConsumeQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
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
    actions   = ["dynamodb:UpdateItem"]
    resources = [module.results.table_arn]
  }

  statement {
    sid       = "ReadModel"
    actions   = ["s3:GetObject"]
    resources = [local.model_object_arn]
  }
}

# The drain only fails requests: it reads the DLQ through its event source mapping and makes one
# conditional UpdateItem per message; it never reads an item or sends a message.
data "aws_iam_policy_document" "dead_letters" {
  source_policy_documents = [data.aws_iam_policy_document.use_stack_key.json]

  statement {
    sid       = "ConsumeDeadLetters"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [module.queue.dlq_arn]
  }

  statement {
    sid       = "FailRequests"
    actions   = ["dynamodb:UpdateItem"]
    resources = [module.results.table_arn]
  }
}
