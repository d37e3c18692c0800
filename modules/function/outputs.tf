################################################################################
# Permissions
################################################################################

output "role_name" {
  description = "Name of the function's own IAM role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's own IAM role."
  value       = aws_iam_role.this.arn
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Log group the function writes JSON logs to."
  value       = aws_cloudwatch_log_group.this.name
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "Version published by the last deploy."
  value       = aws_lambda_function.this.version
}

################################################################################
# Concurrency and alias
################################################################################

output "alias_name" {
  description = "Name of the alias callers use."
  value       = aws_lambda_alias.this.name
}

output "alias_arn" {
  description = "ARN of the alias: the target for event source mappings and invoke permissions."
  value       = aws_lambda_alias.this.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the alias, for API Gateway integrations."
  value       = aws_lambda_alias.this.invoke_arn
}

output "reserved_concurrency" {
  description = "Reserved concurrency of the function (null when unreserved)."
  value       = var.reserved_concurrency
}
