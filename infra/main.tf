# The stack, in the order a request travels:
#   HTTP API -> enqueue function -> results table (pending) + queue -> worker function -> results table
#   and when the worker stops on every receive: queue -> DLQ -> dead-letter drain -> results table (failed)

data "aws_partition" "current" {}

locals {
  model = regex("^s3://(?P<bucket>[^/]+)/(?P<key>.+)$", var.model_s3_uri)

  model_object_arn = "arn:${data.aws_partition.current.partition}:s3:::${local.model.bucket}/${local.model.key}"

  # Python's WARNING is Lambda's WARN; the handlers read LOG_LEVEL, Lambda filters on this.
  lambda_log_level = var.log_level == "WARNING" ? "WARN" : var.log_level
}

################################################################################
# Results table
################################################################################

module "results" {
  source = "../modules/results_table"

  name                   = "${var.name}-results"
  hash_key               = local.results.hash_key
  ttl_attribute          = local.results.ttl_attribute
  deletion_protection    = var.deletion_protection
  point_in_time_recovery = var.point_in_time_recovery
  kms_key_arn            = var.kms_key_arn
}

################################################################################
# Queue and dead-letter queue
################################################################################

module "queue" {
  source = "../modules/queue"

  name                           = "${var.name}-work"
  visibility_timeout_seconds     = local.queue.visibility_timeout_seconds
  message_retention_seconds      = local.queue.message_retention_seconds
  receive_wait_time_seconds      = local.queue.receive_wait_time_seconds
  max_receive_count              = local.queue.max_receive_count
  dlq_message_retention_seconds  = local.queue.dlq_message_retention_seconds
  dlq_visibility_timeout_seconds = local.queue.dlq_visibility_timeout_seconds
  kms_key_arn                    = var.kms_key_arn
}

################################################################################
# Enqueue function (zip) and HTTP API
################################################################################

# The whole lambda/ folder is the zip root: asyncinfer_enqueue/ plus asyncinfer_shared/.
data "archive_file" "enqueue" {
  type        = "zip"
  source_dir  = "${path.module}/../lambda"
  output_path = "${path.root}/.terraform/build/enqueue.zip"
  excludes    = ["requirements.txt", "**/__pycache__", "**/*.pyc"]
}

module "enqueue" {
  source = "../modules/function"

  name        = "${var.name}-enqueue"
  description = "Validates predictions, records them as pending and queues them; serves status."
  zip = {
    path    = data.archive_file.enqueue.output_path
    sha256  = data.archive_file.enqueue.output_base64sha256
    handler = "asyncinfer_enqueue.handler.handler"
    runtime = "python3.11"
  }
  timeout_seconds          = local.enqueue.timeout_seconds
  memory_size_mb           = local.enqueue.memory_size_mb
  reserved_concurrency     = var.enqueue_reserved_concurrency
  provisioned_concurrency  = var.enqueue_provisioned_concurrency
  log_retention_days       = var.log_retention_days
  tracing                  = var.tracing
  log_level                = local.lambda_log_level
  kms_key_arn              = var.kms_key_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  policy_json              = data.aws_iam_policy_document.enqueue.json

  environment_variables = {
    RESULTS_TABLE      = module.results.table_name
    QUEUE_URL          = module.queue.queue_url
    RESULT_TTL_SECONDS = tostring(local.results.result_ttl_seconds)
    LOG_LEVEL          = var.log_level
  }
}

module "api" {
  source = "../modules/http_api"

  name                      = "${var.name}-api"
  function_name             = module.enqueue.function_name
  function_alias_name       = module.enqueue.alias_name
  function_alias_invoke_arn = module.enqueue.alias_invoke_arn
  cors                      = var.cors
  jwt_authorizer            = var.jwt_authorizer
  throttling_burst_limit    = var.api_throttling.burst_limit
  throttling_rate_limit     = var.api_throttling.rate_limit
  log_retention_days        = var.log_retention_days
  kms_key_arn               = var.kms_key_arn
}

################################################################################
# Worker function (container image) and its queue trigger
################################################################################

module "worker" {
  source = "../modules/function"

  name        = "${var.name}-worker"
  description = "Runs batched TorchScript inference for queued predictions."
  image = {
    uri     = var.worker_image_uri
    command = ["asyncinfer_worker.handler.handler"]
  }
  timeout_seconds          = local.worker.timeout_seconds
  memory_size_mb           = local.worker.memory_size_mb
  reserved_concurrency     = var.worker_reserved_concurrency
  provisioned_concurrency  = var.worker_provisioned_concurrency
  log_retention_days       = var.log_retention_days
  tracing                  = var.tracing
  log_level                = local.lambda_log_level
  kms_key_arn              = var.kms_key_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  policy_json              = data.aws_iam_policy_document.worker.json

  environment_variables = {
    RESULTS_TABLE     = module.results.table_name
    MODEL_PATH        = var.model_s3_uri
    MAX_RECEIVE_COUNT = tostring(module.queue.max_receive_count)
    DLQ_URL           = module.queue.dlq_url
    LOG_LEVEL         = var.log_level
  }
}

# The queue invokes the worker alias in batches; only the failed messages of a batch come back.
module "worker_trigger" {
  source = "../modules/sqs_trigger"

  queue_arn                          = module.queue.queue_arn
  function_arn                       = module.worker.alias_arn
  batch_size                         = local.worker.batch_size
  maximum_batching_window_in_seconds = local.worker.maximum_batching_window_in_seconds
  maximum_concurrency                = local.worker.maximum_concurrency
  queue_visibility_timeout_seconds   = local.queue.visibility_timeout_seconds
  function_timeout_seconds           = local.worker.timeout_seconds
  function_reserved_concurrency      = var.worker_reserved_concurrency

  setting_names = {
    queue_visibility_timeout_seconds = "queue.visibility_timeout_seconds"
    function_timeout_seconds         = "worker.timeout_seconds"
    maximum_concurrency              = "worker.maximum_concurrency"
    function_reserved_concurrency    = "worker_reserved_concurrency"
  }
  settings_hint = "The queue.* and worker.* settings are in infra/settings.json (an environment changes one through settings_overrides); worker_reserved_concurrency is in the environment's terraform.tfvars."
}

# The mapping was a resource of this stack before it became the module's; this keeps it in place.
moved {
  from = aws_lambda_event_source_mapping.worker
  to   = module.worker_trigger.aws_lambda_event_source_mapping.this
}

# Optional keep-warm ping: an EventBridge rule invokes the worker alias on a schedule; the worker
# recognises the scheduled event (source "aws.events") and only loads its model.
resource "aws_cloudwatch_event_rule" "worker_warmup" {
  count = var.worker_warmup_schedule == null ? 0 : 1

  name                = "${var.name}-worker-warmup"
  description         = "Keeps one worker environment warm."
  schedule_expression = var.worker_warmup_schedule
}

resource "aws_cloudwatch_event_target" "worker_warmup" {
  count = var.worker_warmup_schedule == null ? 0 : 1

  rule = aws_cloudwatch_event_rule.worker_warmup[0].name
  arn  = module.worker.alias_arn
}

resource "aws_lambda_permission" "worker_warmup" {
  count = var.worker_warmup_schedule == null ? 0 : 1

  statement_id  = "AllowWarmupSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.worker.function_name
  qualifier     = module.worker.alias_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.worker_warmup[0].arn
}

################################################################################
# Dead-letter drain (worker image, no model) and its DLQ trigger
################################################################################

# A worker that crashes, times out or cannot initialise on every receive never fails its request;
# SQS moves the message to the DLQ and this function fails the request (worker_stopped), unless
# it is already terminal. The DLQ empties as it drains: alarms watch the drain, not the depth.
module "dead_letters" {
  source = "../modules/function"

  name        = "${var.name}-dead-letters"
  description = "Fails the requests whose messages were dead-lettered while still pending or processing."
  image = {
    uri     = var.worker_image_uri
    command = ["asyncinfer_worker.drain.handler"]
  }
  timeout_seconds          = local.dead_letters.timeout_seconds
  memory_size_mb           = local.dead_letters.memory_size_mb
  reserved_concurrency     = local.dead_letters.reserved_concurrency
  log_retention_days       = var.log_retention_days
  tracing                  = var.tracing
  log_level                = local.lambda_log_level
  kms_key_arn              = var.kms_key_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  policy_json              = data.aws_iam_policy_document.dead_letters.json

  environment_variables = {
    RESULTS_TABLE     = module.results.table_name
    MAX_RECEIVE_COUNT = tostring(module.queue.max_receive_count)
    LOG_LEVEL         = var.log_level
  }
}

# A record whose request another delivery still holds, or that DynamoDB refused to fail, stays in
# the DLQ and comes back.
module "dead_letters_trigger" {
  source = "../modules/sqs_trigger"

  queue_arn                          = module.queue.dlq_arn
  function_arn                       = module.dead_letters.alias_arn
  batch_size                         = local.dead_letters.batch_size
  maximum_batching_window_in_seconds = local.dead_letters.maximum_batching_window_in_seconds
  maximum_concurrency                = local.dead_letters.maximum_concurrency
  queue_visibility_timeout_seconds   = local.queue.dlq_visibility_timeout_seconds
  function_timeout_seconds           = local.dead_letters.timeout_seconds
  function_reserved_concurrency      = local.dead_letters.reserved_concurrency

  setting_names = {
    queue_visibility_timeout_seconds = "queue.dlq_visibility_timeout_seconds"
    function_timeout_seconds         = "dead_letters.timeout_seconds"
    maximum_concurrency              = "dead_letters.maximum_concurrency"
    function_reserved_concurrency    = "dead_letters.reserved_concurrency"
  }
  settings_hint = "They are in infra/settings.json (an environment changes one through settings_overrides)."
}

################################################################################
# Alarms
################################################################################

module "alarms" {
  source = "../modules/alarms"

  name_prefix               = var.name
  queue_name                = module.queue.queue_name
  dlq_name                  = module.queue.dlq_name
  worker_function_name      = module.worker.function_name
  dead_letter_function_name = module.dead_letters.function_name
  api_id                    = module.api.api_id
  api_stage_name            = module.api.stage_name
  alarm_emails              = var.alarm_emails
  kms_key_arn               = var.kms_key_arn
}
