################################################################################
# API and routes
################################################################################

variable "name" {
  description = "Name of the HTTP API."
  type        = string
}

variable "function_name" {
  description = "Name of the function that serves every route."
  type        = string
}

variable "function_alias_name" {
  description = "Alias of that function the API invokes (the invoke permission is granted on it)."
  type        = string
}

variable "function_alias_invoke_arn" {
  description = "Invoke ARN of that alias."
  type        = string
}

variable "cors" {
  description = "CORS for browser clients; null turns CORS off. Lock allow_origins down to your front end outside dev."
  type = object({
    allow_origins = list(string)
    allow_methods = optional(list(string), ["GET", "POST", "OPTIONS"])
    allow_headers = optional(list(string), ["authorization", "content-type"])
    max_age       = optional(number, 300)
  })
  default = null
}

variable "jwt_authorizer" {
  description = "JWT authorizer for /predict and /status (for example Cognito or Auth0: issuer URL and audiences); null leaves them open. /health stays open."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null

  validation {
    condition     = var.jwt_authorizer == null || startswith(try(var.jwt_authorizer.issuer, ""), "https://")
    error_message = "jwt_authorizer.issuer must be an https:// issuer URL."
  }
}

################################################################################
# Stage: throttling and access logs
################################################################################

variable "throttling_burst_limit" {
  description = "Requests the $default stage accepts in a burst."
  type        = number
  default     = 100
}

variable "throttling_rate_limit" {
  description = "Steady requests per second the $default stage accepts."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653); never 0, which keeps logs forever."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the access log group; null uses CloudWatch's default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the API and its log group."
  type        = map(string)
  default     = {}
}
