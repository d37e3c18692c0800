"""Results expire: every DynamoDB table has TTL enabled on a named attribute."""

from _values import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class DynamoDBTTLEnabled(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="DynamoDB table has TTL enabled on an attribute",
            id="CKV_AINF_2",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_dynamodb_table"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        ttl = first(conf, "ttl")
        if not isinstance(ttl, dict):
            return CheckResult.FAILED
        enabled = first(ttl, "enabled")
        attribute = first(ttl, "attribute_name")
        return CheckResult.PASSED if enabled is True and attribute else CheckResult.FAILED


check = DynamoDBTTLEnabled()
