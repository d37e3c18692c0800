################################################################################
# Queue and function
################################################################################

variable "queue_arn" {
  description = "ARN of the SQS queue whose messages trigger the function."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:sqs:[^:]+:[0-9]{12}:[^:]+$", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue name>)."
  }
}

variable "function_arn" {
  description = "Qualified ARN of the function alias the queue invokes, so invocations follow the alias (and its provisioned concurrency)."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:lambda:[^:]+:[0-9]{12}:function:[^:]+:[^:]+$", var.function_arn))
    error_message = "function_arn must be a qualified function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>:<alias>): pass the alias ARN, not the function's."
  }
}

################################################################################
# Batching and scaling
################################################################################

variable "batch_size" {
  description = "Most messages in one invocation's batch (1 to 10000; above 10 needs a batching window of at least 1 s)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be 1 to 10000, the range AWS allows for a standard SQS queue."
  }

  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
    error_message = "batch_size above 10 needs maximum_batching_window_in_seconds of at least 1, as AWS asks: set a batching window or lower batch_size to 10."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds the mapping gathers messages before it invokes the function with a batch smaller than batch_size (0 to 300)."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be 0 to 300."
  }
}

variable "maximum_concurrency" {
  description = "Most concurrent invocations the mapping starts: at least 2 and at most the function's reserved concurrency (a precondition checks both)."
  type        = number

  validation {
    condition     = var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be at most 1000, the most AWS allows for an SQS mapping."
  }
}

################################################################################
# What the plan-time rules compare
################################################################################

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the queue; AWS asks for at least 6x function_timeout_seconds (a precondition checks it)."
  type        = number
}

variable "function_timeout_seconds" {
  description = "Timeout of the function the queue invokes."
  type        = number

  validation {
    condition     = var.function_timeout_seconds >= 1 && var.function_timeout_seconds <= 900
    error_message = "function_timeout_seconds must be 1 to 900, the range of a Lambda timeout."
  }
}

variable "function_reserved_concurrency" {
  description = "Reserved concurrency of the function (null: none, so only the account's unreserved pool caps it); maximum_concurrency above a reservation gets the mapping throttled."
  type        = number
  default     = null
}

variable "setting_names" {
  description = "How the caller's users name each compared value (a settings file key, a root variable), so the precondition messages say what to change. Each defaults to this module's input name."
  type = object({
    queue_visibility_timeout_seconds = optional(string, "queue_visibility_timeout_seconds")
    function_timeout_seconds         = optional(string, "function_timeout_seconds")
    maximum_concurrency              = optional(string, "maximum_concurrency")
    function_reserved_concurrency    = optional(string, "function_reserved_concurrency")
  })
  default = {}
}

variable "settings_hint" {
  description = "One sentence appended to the precondition messages: where the named settings are changed."
  type        = string
  default     = ""
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for the event source mapping."
  type        = map(string)
  default     = {}
}
