################################################################################
# API and routes
################################################################################

output "api_id" {
  description = "ID of the HTTP API (the CloudWatch ApiId dimension)."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the API: POST <endpoint>/predict, GET <endpoint>/status/<request_id>, GET <endpoint>/health."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "execution_arn" {
  description = "Execution ARN of the API."
  value       = aws_apigatewayv2_api.this.execution_arn
}

################################################################################
# Stage: throttling and access logs
################################################################################

output "stage_name" {
  description = "Name of the stage (the CloudWatch Stage dimension)."
  value       = aws_apigatewayv2_stage.this.name
}

output "access_log_group_name" {
  description = "Log group of the JSON access logs."
  value       = aws_cloudwatch_log_group.access.name
}
