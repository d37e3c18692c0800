"""Every work queue has a dead-letter queue, so a poison message cannot cycle forever.

A queue whose name ends in "-dlq" is itself a dead-letter queue and needs none.
"""

from _values import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class SQSQueueHasDLQ(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="SQS queue has a redrive policy to a dead-letter queue",
            id="CKV_AINF_4",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_sqs_queue"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        if str(first(conf, "name", "")).endswith("-dlq"):
            return CheckResult.PASSED
        redrive = str(first(conf, "redrive_policy", ""))
        return CheckResult.PASSED if "deadLetterTargetArn" in redrive else CheckResult.FAILED


check = SQSQueueHasDLQ()
