output "table_name" {
  description = "Name of the results table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the results table."
  value       = aws_dynamodb_table.this.arn
}

output "ttl_attribute" {
  description = "Attribute DynamoDB expires items on."
  value       = var.ttl_attribute
}
