# The staging environment: its state key and its name. Everything else is linked from
# ../shared (versions, provider, the stack call, the inputs) and set in terraform.tfvars.

terraform {
  # bucket and region come from `terraform init -backend-config=...` (bootstrap's backend_config output).
  backend "s3" {
    key          = "asyncinfer/staging/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

locals {
  environment = "staging"
}
