"""SQS event source mappings report batch item failures, so one bad message does not retry all."""

from _values import flat
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class EventSourceMappingReportsBatchItemFailures(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="SQS event source mapping reports batch item failures",
            id="CKV_AINF_1",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lambda_event_source_mapping"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        types = flat(conf.get("function_response_types", []))
        return CheckResult.PASSED if "ReportBatchItemFailures" in types else CheckResult.FAILED


check = EventSourceMappingReportsBatchItemFailures()
