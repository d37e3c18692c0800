# Linked into every environment root as providers.tf; local.environment comes from its main.tf.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = var.name_prefix
      Environment = local.environment
      ManagedBy   = "terraform"
    }
  }
}
