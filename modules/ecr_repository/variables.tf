variable "name" {
  description = "Name of the repository."
  type        = string
}

variable "keep_last_images" {
  description = "Tagged images to keep; older ones expire (untagged images expire after a day)."
  type        = number
  default     = 20

  validation {
    condition     = var.keep_last_images >= 1
    error_message = "keep_last_images must be at least 1, or the running image could expire."
  }
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
