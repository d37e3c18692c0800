variable "name_prefix" {
  description = "Prefix of the alarm names and the SNS topic name."
  type        = string
}

variable "queue_name" {
  description = "Name of the work queue."
  type        = string
}

variable "dlq_name" {
  description = "Name of the dead-letter queue."
  type        = string
}

variable "worker_function_name" {
  description = "Name of the worker function."
  type        = string
}

variable "dead_letter_function_name" {
  description = "Name of the dead-letter drain function (its invocations mean messages were dead-lettered)."
  type        = string
}

variable "api_id" {
  description = "ID of the HTTP API."
  type        = string
}

variable "api_stage_name" {
  description = "Stage of the HTTP API."
  type        = string
}

variable "oldest_message_age_seconds" {
  description = "Alarm when the oldest queued message is older than this: work is stuck or the worker cannot keep up."
  type        = number
  default     = 900
}

variable "dlq_oldest_message_age_seconds" {
  description = "Alarm when a message has waited in the DLQ longer than this: the drain should take seconds, and retries a message after the DLQ's visibility timeout."
  type        = number
  default     = 600
}

variable "alarm_emails" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the SNS topic (its key policy must let cloudwatch.amazonaws.com use it); null leaves the topic unencrypted, because CloudWatch cannot publish under the AWS managed aws/sns key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the topic and the alarms."
  type        = map(string)
  default     = {}
}
