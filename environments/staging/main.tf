terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }

  # bucket and region come from `terraform init -backend-config=...` (bootstrap's backend_config output).
  backend "s3" {
    key          = "asyncinfer/staging/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "asyncinfer"
      Environment = "staging"
      ManagedBy   = "terraform"
    }
  }
}

module "stack" {
  source = "../../infra"

  name                            = "asyncinfer-staging"
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
