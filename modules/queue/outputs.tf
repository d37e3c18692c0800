################################################################################
# Dead-letter queue
################################################################################

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (the CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.dlq.name
}

################################################################################
# Work queue
################################################################################

output "queue_arn" {
  description = "ARN of the work queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the work queue."
  value       = aws_sqs_queue.this.url
}

output "queue_name" {
  description = "Name of the work queue (the CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.this.name
}

output "max_receive_count" {
  description = "Receives before a message moves to the DLQ; consumers that count attempts read this."
  value       = var.max_receive_count
}
