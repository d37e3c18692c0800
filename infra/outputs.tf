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
  description = "URL of the dead-letter queue. The dead-letter drain empties it, failing each request still pending or processing; messages stay here only while the drain fails (the DLQ age alarm)."
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

output "dead_letter_function_name" {
  description = "Name of the dead-letter drain: its logs name each request it failed."
  value       = module.dead_letters.function_name
}

output "enqueue_role_arn" {
  description = "ARN of the enqueue function's own role."
  value       = module.enqueue.role_arn
}

output "worker_role_arn" {
  description = "ARN of the worker function's own role."
  value       = module.worker.role_arn
}

output "dead_letter_role_arn" {
  description = "ARN of the dead-letter drain's own role."
  value       = module.dead_letters.role_arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies; subscribe on-call tooling here."
  value       = module.alarms.topic_arn
}
