# The dev environment: its name (the state key follows from it). Everything else is linked from
# ../shared (versions, provider, the stack call, the inputs) and set in terraform.tfvars.

terraform {
  # bucket and region come from `terraform init -backend-config=...` (bootstrap's backend_config
  # output); the key <prefix>/<env>/terraform.tfstate from .ci/terraform.py (TF_VAR_name_prefix).
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}

locals {
  environment = "dev"
}
