output "backend_config" {
  description = "Arguments for `terraform init` in environments/<env>: -backend-config=bucket=... -backend-config=region=..."
  value       = { bucket = aws_s3_bucket.this["state"].id, region = var.aws_region }
}

output "state_bucket" {
  description = "Bucket holding every environment's state (key <prefix>/<env>/terraform.tfstate)."
  value       = aws_s3_bucket.this["state"].id
}

output "models_bucket" {
  description = "Bucket for model artifacts; the worker's model_s3_uri points into it."
  value       = aws_s3_bucket.this["models"].id
}

output "worker_repository_url" {
  description = "ECR repository to push the worker image to; deploy it as <url>:<git sha> or <url>@sha256:<digest>."
  value       = module.worker_images.repository_url
}

output "plan_role_arns" {
  description = "Plan role per environment (reads the state, describes the stack, no data) for `terraform plan` in GitHub Actions (role name <prefix>-<env>-plan)."
  value       = { for env, role in aws_iam_role.plan : env => role.arn }
}

output "apply_role_arns" {
  description = "Apply role per environment, assumable only from the GitHub environment of that name (role name <prefix>-<env>-apply)."
  value       = { for env, role in aws_iam_role.apply : env => role.arn }
}

output "image_push_role_arn" {
  description = "Role deploy.yml's image job assumes to push the worker image (role name <prefix>-image-push, default branch only)."
  value       = aws_iam_role.image_push.arn
}

output "function_boundary_arns" {
  description = "Permissions boundary per environment; every function role of that environment carries it (infra's permissions_boundary_arn)."
  value       = { for env, policy in aws_iam_policy.function_boundary : env => policy.arn }
}
