# prod: protected table with backups, warm API path, locked-down CORS, JWT auth, a year of logs.
# Replace the example origin, issuer and email with yours before the first apply.
aws_region                      = "eu-west-1"
settings_overrides              = { worker = { maximum_concurrency = 8 } }
worker_reserved_concurrency     = 10
enqueue_reserved_concurrency    = 100
enqueue_provisioned_concurrency = 2
deletion_protection             = true
point_in_time_recovery          = true
cors                            = { allow_origins = ["https://app.example.com"] }
jwt_authorizer                  = { issuer = "https://auth.example.com/", audience = ["asyncinfer"] }
log_retention_days              = 365
log_level                       = "INFO"
alarm_emails                    = ["oncall@example.com"]
