# The one call of the stack, the same in every environment (each root links this file as
# stack.tf). What differs lives in the root's main.tf (the environment name) and its
# terraform.tfvars; the name prefix comes from TF_VAR_name_prefix (the NAME_PREFIX variable).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  # Every name the stack creates starts with this; the bootstrap's roles are scoped to it.
  stack_name = "${var.name_prefix}-${local.environment}"
}

module "stack" {
  source = "../../infra"

  name                            = local.stack_name
  permissions_boundary_arn        = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/${local.stack_name}-function-boundary"
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
