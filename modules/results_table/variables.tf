variable "name" {
  description = "Name of the results table."
  type        = string
}

variable "hash_key" {
  description = "Name of the string hash key: the request id the handlers write."
  type        = string
  default     = "request_id"
}

variable "ttl_attribute" {
  description = "Attribute holding the expiry time in epoch seconds; TTL is always enabled on it. Must match what the handlers write."
  type        = string

  validation {
    condition     = length(trimspace(var.ttl_attribute)) > 0
    error_message = "ttl_attribute must name the attribute the handlers write the expiry to (expires_at)."
  }
}

variable "point_in_time_recovery" {
  description = "Keep 35 days of point-in-time recovery backups."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the table (turn off before destroying an environment on purpose)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer managed KMS key; null uses the AWS managed key for DynamoDB."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
