variable "name" {
  description = "Name of the repository."
  type        = string
}

variable "lambda_function_name_prefix" {
  description = "Lambda functions whose names start with this may pull images (in this account and region)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer managed KMS key; null uses the AWS managed key for ECR."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the repository."
  type        = map(string)
  default     = {}
}
