"""IAM Allow statements name their actions: no "*" and no "service:*"."""

from _values import first, flat
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck


class IAMNoWildcardAction(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name="IAM policy document allows no wildcard action",
            id="CKV_AINF_6",
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
        )

    def scan_data_conf(self, conf: dict) -> CheckResult:
        for statement in flat(conf.get("statement", [])):
            if not isinstance(statement, dict) or first(statement, "effect", "Allow") == "Deny":
                continue
            actions = [str(a) for a in flat(statement.get("actions", []))]
            if any("*" in action for action in actions):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = IAMNoWildcardAction()
