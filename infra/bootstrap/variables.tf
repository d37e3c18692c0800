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
  description = "GitHub repository (\"owner/name\") whose workflows may assume the plan, apply and image push roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "default_branch" {
  description = "Branch deploy.yml runs on (its `on.push.branches`): plan roles and the image push role trust its pushes."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.default_branch)) && !startswith(var.default_branch, "refs/")
    error_message = "default_branch must be a branch name such as \"main\": no refs/heads/ prefix, and no * or ? (the trust would read them as a pattern)."
  }
}

variable "environments" {
  description = "Environments that get a plan role and an apply role; each must match a folder under environments/."
  type        = set(string)
  default     = ["dev", "staging", "prod"]

  # Role names are <prefix>-<env>-plan|apply and <prefix>-image-push: "image" would blur them.
  validation {
    condition     = !contains(var.environments, "image")
    error_message = "No environment may be called \"image\": its role names would read like the <prefix>-image-push role's."
  }
}

variable "noncurrent_version_days" {
  description = "Days old object versions (state history, replaced models) are kept."
  type        = number
  default     = 90
}
