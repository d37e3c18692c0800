# staging: prod's shape at a smaller size, so a change is rehearsed with auth and CORS on.
# No reserved concurrency: it fits a fresh account's quota (see docs/security.md, preflight).
aws_region                      = "eu-west-1"
settings_overrides              = {}
worker_reserved_concurrency     = null
enqueue_reserved_concurrency    = null
enqueue_provisioned_concurrency = 0
deletion_protection             = false
point_in_time_recovery          = true
cors                            = { allow_origins = ["https://staging.app.example.com"] }
jwt_authorizer                  = { issuer = "https://auth.example.com/", audience = ["asyncinfer-staging"] }
log_retention_days              = 30
log_level                       = "INFO"
alarm_emails                    = []
