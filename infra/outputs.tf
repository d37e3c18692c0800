output "api_endpoint" {
  description = "Base URL of the API: POST /predict, GET /status/{request_id}, GET /health."
  value       = module.api.api_endpoint
}

output "results_table_name" {
  description = "Name of the results table."
  value       = module.results.table_name
}

output "queue_url" {
  description = "URL of the work queue."
  value       = module.queue.queue_url
}

output "dlq_url" {
  description = "URL of the dead-letter queue (look here, then redrive, when the DLQ alarm fires)."
  value       = module.queue.dlq_url
}

output "enqueue_function_name" {
  description = "Name of the enqueue function."
  value       = module.enqueue.function_name
}

output "worker_function_name" {
  description = "Name of the worker function."
  value       = module.worker.function_name
}

output "enqueue_role_arn" {
  description = "ARN of the enqueue function's own role."
  value       = module.enqueue.role_arn
}

output "worker_role_arn" {
  description = "ARN of the worker function's own role."
  value       = module.worker.role_arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies; subscribe on-call tooling here."
  value       = module.alarms.topic_arn
}
