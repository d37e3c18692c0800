"""Every log group sets a retention period (0 or none keeps logs, and their cost, forever)."""

from _values import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class LogGroupRetentionSet(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch log group sets retention_in_days (not 0)",
            id="CKV_AINF_3",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_log_group"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        retention = first(conf, "retention_in_days")
        return CheckResult.FAILED if retention in (None, 0, "0") else CheckResult.PASSED


check = LogGroupRetentionSet()
