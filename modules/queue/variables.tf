variable "name" {
  description = "Name of the work queue; the dead-letter queue is named \"<name>-dlq\"."
  type        = string
}

variable "visibility_timeout_seconds" {
  description = "Seconds a received message stays hidden. AWS asks for at least 6x the consuming function's timeout (the caller checks that rule)."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be 0 to 43200 (12 hours)."
  }
}

variable "message_retention_seconds" {
  description = "Seconds the work queue keeps a message."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be 60 to 1209600 (14 days)."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of a receive call."
  type        = number
  default     = 20

  validation {
    condition     = var.receive_wait_time_seconds >= 1 && var.receive_wait_time_seconds <= 20
    error_message = "receive_wait_time_seconds must be 1 to 20: set at least 1 so consumers long-poll."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue (redrive maxReceiveCount)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 5
    error_message = "max_receive_count must be at least 5: AWS asks for 5 or more so a throttled or retried batch does not send good messages to the DLQ. Raise it to 5."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Seconds the dead-letter queue keeps a message: the longest SQS allows, so there is time to look and redrive."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= var.message_retention_seconds && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be at least message_retention_seconds and at most 1209600 (14 days)."
  }
}

variable "dlq_visibility_timeout_seconds" {
  description = "Seconds a message received from the dead-letter queue stays hidden: at least 6x the timeout of the function that drains it (the caller checks that rule)."
  type        = number
  default     = 180

  validation {
    condition     = var.dlq_visibility_timeout_seconds >= 0 && var.dlq_visibility_timeout_seconds <= 43200
    error_message = "dlq_visibility_timeout_seconds must be 0 to 43200 (12 hours)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for both queues; null uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for both queues."
  type        = map(string)
  default     = {}
}
