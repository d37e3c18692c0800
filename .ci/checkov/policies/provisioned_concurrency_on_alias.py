"""Provisioned concurrency targets an alias: never $LATEST (AWS rejects it) nor a bare version."""

import re

from _values import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class ProvisionedConcurrencyOnAlias(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Provisioned concurrency is configured on an alias",
            id="CKV_AINF_7",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lambda_provisioned_concurrency_config"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        qualifier = str(first(conf, "qualifier", ""))
        if qualifier == "$LATEST" or qualifier.isdigit() or re.search(r"\.version\b", qualifier):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ProvisionedConcurrencyOnAlias()
