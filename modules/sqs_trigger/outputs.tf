output "uuid" {
  description = "UUID of the event source mapping (what the Lambda API and CLI call it by)."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "arn" {
  description = "ARN of the event source mapping."
  value       = aws_lambda_event_source_mapping.this.arn
}
