output "repository_url" {
  description = "URL to push to and to build image URIs from: <url>:<tag> or <url>@sha256:<digest>."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository."
  value       = aws_ecr_repository.this.arn
}

output "repository_name" {
  description = "Name of the repository."
  value       = aws_ecr_repository.this.name
}
