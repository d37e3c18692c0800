################################################################################
# Naming and shared settings
################################################################################

variable "name" {
  description = "Prefix of every resource name, e.g. \"asyncinfer-prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3 to 41 lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "settings_overrides" {
  description = "Values that replace infra/settings.json for this environment only, by section (queue, worker, enqueue, dead_letters). Override only what must differ: the local stack runs the settings.json values."
  type = object({
    queue        = optional(map(number), {})
    worker       = optional(map(number), {})
    enqueue      = optional(map(number), {})
    dead_letters = optional(map(number), {})
  })
  default = {}

  # A misspelt override would silently change nothing. The message lists the names there are
  # (Terraform lets it read locals but not a local derived from this variable: that is a cycle).
  validation {
    condition     = alltrue(flatten([for section, values in var.settings_overrides : [for key in keys(values) : contains(local.setting_names, "${section}.${key}")]]))
    error_message = "settings_overrides names a setting that infra/settings.json does not have. Fix the spelling, or add the setting to settings.json; the settings are: ${join(", ", local.setting_names)}."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of both functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps function and API access logs."
  type        = number
  default     = 30
}

variable "tracing" {
  description = "Active X-Ray tracing on both functions."
  type        = bool
  default     = true
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of every function role (the bootstrap's function_boundary_arns[<env>]): the apply roles create no role without it. null only outside those roles."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for queues, table, logs, topic and function environments; null uses AWS managed encryption. When set, both functions get the matching kms permissions."
  type        = string
  default     = null
}

################################################################################
# Results table
################################################################################

variable "deletion_protection" {
  description = "Protect the results table from deletion."
  type        = bool
  default     = true
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery on the results table."
  type        = bool
  default     = true
}

################################################################################
# Enqueue function and HTTP API
################################################################################

variable "enqueue_reserved_concurrency" {
  description = "Reserved (and maximum) concurrency of the enqueue function; null leaves it unreserved."
  type        = number
  default     = null
}

variable "enqueue_provisioned_concurrency" {
  description = "Provisioned concurrency on the enqueue alias (0 for none): removes cold starts from the API path."
  type        = number
  default     = 0
}

variable "cors" {
  description = "CORS of the HTTP API (see modules/http_api); null turns it off."
  type = object({
    allow_origins = list(string)
    allow_methods = optional(list(string), ["GET", "POST", "OPTIONS"])
    allow_headers = optional(list(string), ["authorization", "content-type"])
    max_age       = optional(number, 300)
  })
  default = null
}

variable "jwt_authorizer" {
  description = "JWT authorizer (issuer URL, audiences) for /predict and /status; null leaves the API open."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null
}

variable "api_throttling" {
  description = "Burst and steady requests per second the API stage accepts."
  type = object({
    burst_limit = number
    rate_limit  = number
  })
  default = { burst_limit = 100, rate_limit = 50 }
}

################################################################################
# Worker function
################################################################################

variable "worker_image_uri" {
  description = "Worker image in ECR pinned by an immutable tag (\"<repo url>:<git sha>\") or a digest (\"<repo url>@sha256:<hex>\"); never :latest."
  type        = string

  validation {
    condition     = can(regex("^[^:@]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.worker_image_uri)) && !endswith(var.worker_image_uri, ":latest")
    error_message = "worker_image_uri must end in an immutable tag (\":<git sha>\", not \":latest\") or a digest (\"@sha256:<64 hex>\")."
  }
}

variable "model_s3_uri" {
  description = "TorchScript model object the worker loads, as s3://<bucket>/<key>; the worker may read this one object only."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", var.model_s3_uri))
    error_message = "model_s3_uri must look like s3://<bucket>/<key>, e.g. s3://my-models/sentiment/sentiment-1a2b3c.pt."
  }
}

variable "worker_reserved_concurrency" {
  description = "Reserved concurrency of the worker (null: none; the mapping's maximum_concurrency still caps it). When set, at least settings.json worker.maximum_concurrency. A fresh account's quota may allow no reservation at all: run `make preflight ENV=<env>`."
  type        = number
  default     = null
}

variable "worker_provisioned_concurrency" {
  description = "Provisioned concurrency on the worker alias (0 for none; scale to zero needs 0)."
  type        = number
  default     = 0
}

variable "worker_warmup_schedule" {
  description = "EventBridge schedule (e.g. \"rate(5 minutes)\") that invokes the worker alias with a warm-up event; null for none."
  type        = string
  default     = null
}

################################################################################
# Alarms
################################################################################

variable "alarm_emails" {
  description = "Email addresses that receive alarm notifications."
  type        = list(string)
  default     = []
}
