# Linked into every environment root as providers.tf; local.environment comes from its main.tf.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "asyncinfer"
      Environment = local.environment
      ManagedBy   = "terraform"
    }
  }
}
