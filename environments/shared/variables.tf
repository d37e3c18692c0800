# The inputs of every environment root (each links this file as variables.tf), so the roots
# cannot drift apart; each root's terraform.tfvars sets the values.

# Per-deploy inputs (CI passes them as TF_VAR_worker_image_uri and TF_VAR_model_s3_uri):

variable "worker_image_uri" {
  description = "Worker image pinned by immutable tag or digest (see infra/variables.tf)."
  type        = string
}

variable "model_s3_uri" {
  description = "s3://bucket/key of the TorchScript model the worker loads."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every name, as in the bootstrap (CI passes the NAME_PREFIX repository variable as TF_VAR_name_prefix); the stack is <prefix>-<env>, its state key <prefix>/<env>/terraform.tfstate."
  type        = string
  default     = "asyncinfer"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.name_prefix))
    error_message = "name_prefix must be lower case letters, digits and dashes (at most 30), starting with a letter: it starts bucket, table and function names."
  }
}

# What differs between environments (set in terraform.tfvars):

variable "aws_region" {
  description = "AWS region of this environment."
  type        = string
}

variable "settings_overrides" {
  description = "Values that replace infra/settings.json in this environment only."
  type = object({
    queue        = optional(map(number), {})
    worker       = optional(map(number), {})
    enqueue      = optional(map(number), {})
    dead_letters = optional(map(number), {})
  })
}

variable "worker_reserved_concurrency" {
  description = "Reserved concurrency of the worker (null: none; when set, >= the mapping's maximum_concurrency). `make preflight ENV=<env>` says whether the account's quota fits it."
  type        = number
  default     = null
}

variable "enqueue_reserved_concurrency" {
  description = "Reserved concurrency of the enqueue function; null for unreserved."
  type        = number
  default     = null
}

variable "enqueue_provisioned_concurrency" {
  description = "Provisioned concurrency on the enqueue alias."
  type        = number
}

variable "deletion_protection" {
  description = "Protect the results table from deletion."
  type        = bool
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery on the results table."
  type        = bool
}

variable "cors" {
  description = "CORS of the API; null for none."
  type = object({
    allow_origins = list(string)
  })
  default = null
}

variable "jwt_authorizer" {
  description = "JWT authorizer (issuer, audience); null leaves the API open."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps logs."
  type        = number
}

variable "log_level" {
  description = "LOG_LEVEL of both functions."
  type        = string
}

variable "alarm_emails" {
  description = "Who gets alarm emails."
  type        = list(string)
}
