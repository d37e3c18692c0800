# dev: cheap and open. No table protection or backups, short logs, no warm capacity or reserved
# concurrency (a fresh account's quota has room for none), any origin.
aws_region                      = "eu-west-1"
settings_overrides              = {}
worker_reserved_concurrency     = null
enqueue_reserved_concurrency    = null
enqueue_provisioned_concurrency = 0
deletion_protection             = false
point_in_time_recovery          = false
cors                            = { allow_origins = ["*"] }
jwt_authorizer                  = null
log_retention_days              = 7
log_level                       = "DEBUG"
alarm_emails                    = []
