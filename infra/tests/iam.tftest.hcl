# Each function's policy, as the stand-in renders it: the exact actions on each of this stack's
# ARNs. In a plain plan the queue's and the table's ARNs are unknown, so the policy documents
# are read only at apply; overriding those two modules' outputs makes them known at plan time.
# A new permission fails here on purpose: add it to the list once it is reviewed.

variables {
  name             = "asyncinfer-test"
  worker_image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:0a1b2c3d"
  model_s3_uri     = "s3://asyncinfer-models-123456789012/sentiment/model.pt"
}

override_module {
  target = module.queue
  outputs = {
    queue_arn         = "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work"
    queue_url         = "https://sqs.eu-west-1.amazonaws.com/123456789012/asyncinfer-test-work"
    queue_name        = "asyncinfer-test-work"
    dlq_arn           = "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work-dlq"
    dlq_url           = "https://sqs.eu-west-1.amazonaws.com/123456789012/asyncinfer-test-work-dlq"
    dlq_name          = "asyncinfer-test-work-dlq"
    max_receive_count = 5
  }
}

override_module {
  target = module.results
  outputs = {
    table_arn     = "arn:aws:dynamodb:eu-west-1:123456789012:table/asyncinfer-test-results"
    table_name    = "asyncinfer-test-results"
    ttl_attribute = "expires_at"
  }
}

run "each_role_has_only_its_calls" {
  command = plan

  # resource -> sorted actions, over the rendered document's statements (both sides maps of
  # lists: == compares types too).
  assert {
    condition = tomap({ for statement in jsondecode(data.aws_iam_policy_document.enqueue.json).Statement : statement.Resource => sort(flatten([statement.Action])) }) == tomap({
      # status reads; nothing deletes an item (TTL does)
      "arn:aws:dynamodb:eu-west-1:123456789012:table/asyncinfer-test-results" = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work"               = ["sqs:SendMessage"]
    })
    error_message = "The enqueue function may only record requests and send them to the queue."
  }

  assert {
    condition = tomap({ for statement in jsondecode(data.aws_iam_policy_document.worker.json).Statement : statement.Resource => sort(flatten([statement.Action])) }) == tomap({
      "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work"     = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work-dlq" = ["sqs:SendMessage"]
      # conditional updates only: the worker never reads an item first
      "arn:aws:dynamodb:eu-west-1:123456789012:table/asyncinfer-test-results" = ["dynamodb:UpdateItem"]
      "arn:aws:s3:::asyncinfer-models-123456789012/sentiment/model.pt"        = ["s3:GetObject"]
    })
    error_message = "The worker may only consume its queue, forward to the DLQ, update results and read its model."
  }

  assert {
    condition = tomap({ for statement in jsondecode(data.aws_iam_policy_document.dead_letters.json).Statement : statement.Resource => sort(flatten([statement.Action])) }) == tomap({
      # the event source mapping's calls; the drain never postpones a message itself
      "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-test-work-dlq"           = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      "arn:aws:dynamodb:eu-west-1:123456789012:table/asyncinfer-test-results" = ["dynamodb:UpdateItem"]
    })
    error_message = "The dead-letter drain may only consume the DLQ and update results."
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.enqueue, data.aws_iam_policy_document.worker, data.aws_iam_policy_document.dead_letters] :
      alltrue([for statement in jsondecode(document.json).Statement : statement.Effect == "Allow" && !can(statement.Condition)])
    ])
    error_message = "Every function statement must be a plain Allow."
  }
}

run "a_customer_key_is_usable_by_every_role" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.enqueue, data.aws_iam_policy_document.worker, data.aws_iam_policy_document.dead_letters] :
      contains([for statement in jsondecode(document.json).Statement : sort(flatten([statement.Action])) if statement.Resource == "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"], tolist(["kms:Decrypt", "kms:GenerateDataKey"]))
    ])
    error_message = "With kms_key_arn every function must be allowed kms:Decrypt and kms:GenerateDataKey on that key (and only there)."
  }
}
