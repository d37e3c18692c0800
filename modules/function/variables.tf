################################################################################
# Function
################################################################################

variable "name" {
  description = "Function name; also names its IAM role and its log group (/aws/lambda/<name>)."
  type        = string
}

variable "description" {
  description = "What the function does, shown in the console."
  type        = string
}

variable "zip" {
  description = "Zip package: path and base64 SHA-256 of the archive (archive_file's output_base64sha256), handler and runtime. Set exactly one of zip and image."
  type = object({
    path    = string
    sha256  = string
    handler = string
    runtime = string
  })
  default = null
}

variable "image" {
  description = "Container image: URI pinned by an immutable tag or a digest (never :latest) and the handler command. Set exactly one of zip and image."
  type = object({
    uri     = string
    command = list(string)
  })
  default = null

  validation {
    condition     = (var.image == null) != (var.zip == null)
    error_message = "Set exactly one of zip and image."
  }

  validation {
    condition     = var.image == null || can(regex("^[^:@]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.image.uri)) && !endswith(var.image.uri, ":latest")
    error_message = "image.uri must end in an immutable tag (\":<git sha or version>\", not \":latest\") or a digest (\"@sha256:<64 hex>\"): the repository has immutable tags and Lambda pins what the URI names at deploy time."
  }
}

variable "architecture" {
  description = "Instruction set: x86_64 or arm64 (must match the image)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "timeout_seconds" {
  description = "Function timeout in seconds."
  type        = number

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be 1 to 900: Lambda stops every function at 15 minutes. Lower it, or move the work off Lambda."
  }
}

variable "memory_size_mb" {
  description = "Memory in MB (CPU scales with it)."
  type        = number

  validation {
    condition     = var.memory_size_mb >= 128 && var.memory_size_mb <= 10240
    error_message = "memory_size_mb must be 128 to 10240."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (no secrets: they show in the console)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the environment variables and the log group; null uses AWS managed keys."
  type        = string
  default     = null
}

variable "log_level" {
  description = "Lowest level of the application's JSON log lines that Lambda keeps (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL (Lambda's names: WARN, not WARNING)."
  }
}

variable "tracing" {
  description = "Active X-Ray tracing."
  type        = bool
  default     = true
}

################################################################################
# Permissions
################################################################################

variable "policy_json" {
  description = "IAM policy (JSON, e.g. an aws_iam_policy_document's json) with the least-privilege Allow statements of this function: named actions on this stack's ARNs. Writing its logs (and X-Ray when tracing) is added here."
  type        = string

  validation {
    condition = !can(jsondecode(var.policy_json).Statement) || alltrue([
      for statement in jsondecode(var.policy_json).Statement :
      alltrue([for action in flatten([try(statement.Action, [])]) : !strcontains(action, "*")])
    ])
    error_message = "policy_json must name every action (no \"*\" or \"service:*\"): list the exact API calls the function makes."
  }
}

variable "permissions_boundary_arn" {
  description = "Managed policy ARN set as the role's permissions boundary (bootstrap's function_boundary_arns[<env>]); null for none, which the bootstrap's apply roles refuse."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:[a-z-]+:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM managed policy ARN (arn:aws:iam::<account>:policy/<name>)."
  }
}

################################################################################
# Logs
################################################################################

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653); never 0, which keeps logs forever."
  }
}

################################################################################
# Concurrency and alias
################################################################################

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function; null leaves it unreserved."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || var.reserved_concurrency >= 1
    error_message = "reserved_concurrency must be null or at least 1 (0 would stop the function)."
  }
}

variable "alias_name" {
  description = "Alias that callers, event source mappings and provisioned concurrency target."
  type        = string
  default     = "live"
}

variable "provisioned_concurrency" {
  description = "Pre-initialised environments on the alias (0 for none). Always on the alias, never on $LATEST or a bare version."
  type        = number
  default     = 0

  validation {
    condition     = var.provisioned_concurrency >= 0 && (var.reserved_concurrency == null || var.provisioned_concurrency <= var.reserved_concurrency)
    error_message = "provisioned_concurrency must be 0 or more and at most reserved_concurrency: lower it or raise reserved_concurrency."
  }
}

variable "tags" {
  description = "Tags for every resource of the function."
  type        = map(string)
  default     = {}
}
