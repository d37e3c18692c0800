variable "aws_region" {
  description = "Region of the state bucket, the model bucket and the image repository."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of bucket, repository and role names; environments are named <prefix>-<env>."
  type        = string
  default     = "asyncinfer"
}

variable "github_repository" {
  description = "GitHub repository (\"owner/name\") whose workflows may assume the plan and apply roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "environments" {
  description = "Environments that get a plan role and an apply role; each must match a folder under environments/."
  type        = set(string)
  default     = ["dev", "staging", "prod"]
}

variable "noncurrent_version_days" {
  description = "Days old object versions (state history, replaced models) are kept."
  type        = number
  default     = 90
}
