"""A Lambda container image is named by an immutable tag or a digest, never :latest.

ECR tags are immutable here, so pushing :latest twice fails; and Lambda resolves the tag once
at deploy time, so :latest would not even say what runs.
"""

import re

from _values import first, unresolved
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

PINNED = re.compile(r"^[^:@]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$")


class LambdaImagePinned(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Lambda image_uri is pinned by an immutable tag or digest (not :latest)",
            id="CKV_AINF_5",
            categories=[CheckCategories.SUPPLY_CHAIN],
            supported_resources=["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        uri = first(conf, "image_uri")
        if uri is None or uri == "None":
            return CheckResult.PASSED  # a zip function
        uri = str(uri)
        if re.search(r":latest\b", uri):
            return CheckResult.FAILED
        if unresolved(uri):
            return CheckResult.PASSED  # a deploy-time input; Terraform's validation checks it
        return CheckResult.PASSED if PINNED.match(uri) else CheckResult.FAILED


check = LambdaImagePinned()
