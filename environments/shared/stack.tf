# The one call of the stack, the same in every environment (each root links this file as
# stack.tf). What differs lives in the root's main.tf (backend key, environment name) and its
# terraform.tfvars.

module "stack" {
  source = "../../infra"

  name                            = "asyncinfer-${local.environment}"
  worker_image_uri                = var.worker_image_uri
  model_s3_uri                    = var.model_s3_uri
  settings_overrides              = var.settings_overrides
  worker_reserved_concurrency     = var.worker_reserved_concurrency
  enqueue_reserved_concurrency    = var.enqueue_reserved_concurrency
  enqueue_provisioned_concurrency = var.enqueue_provisioned_concurrency
  deletion_protection             = var.deletion_protection
  point_in_time_recovery          = var.point_in_time_recovery
  cors                            = var.cors
  jwt_authorizer                  = var.jwt_authorizer
  log_retention_days              = var.log_retention_days
  log_level                       = var.log_level
  alarm_emails                    = var.alarm_emails
}

output "stack" {
  description = "Everything the stack exports: API endpoint, queue and table names, function and role names."
  value       = module.stack
}
