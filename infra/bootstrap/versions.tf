terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Bootstrap keeps its own (small) state locally: it creates the bucket every other root uses.
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project   = "asyncinfer"
      ManagedBy = "terraform"
      Root      = "bootstrap"
    }
  }
}
