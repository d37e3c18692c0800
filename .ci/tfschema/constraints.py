"""Terraform version constraints ("~> 6.0", ">= 6.1, < 7", "= 6.69.1") and where we declare them.

Semantics follow Terraform's docs for provider version constraints: comma-separated conditions
that must all hold; `~>` allows only the rightmost given segment to grow; a bare version means
`=`; a pre-release version only matches a condition naming that exact pre-release.
"""

from __future__ import annotations

import operator
import pathlib
import re

import hcl2

AWS_SOURCES = {"hashicorp/aws", "registry.terraform.io/hashicorp/aws"}
CONDITION = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+)*)(-[0-9A-Za-z.-]+)?\s*$")
COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class ConstraintError(ValueError):
    pass


def _parse_version(text: str) -> tuple[tuple[int, ...], str]:
    match = CONDITION.match(text)
    if not match or match.group(1):
        raise ConstraintError(f"not a version: {text!r}")
    return tuple(int(p) for p in match.group(2).split(".")), match.group(3) or ""


def _release(numbers: tuple[int, ...], width: int) -> tuple[int, ...]:
    return (*numbers, *(0,) * width)[:width]


def _condition_holds(condition: str, numbers: tuple[int, ...], pre: str) -> bool:
    match = CONDITION.match(condition)
    if not match:
        raise ConstraintError(f"cannot parse version condition {condition!r}")
    op, wanted_pre = match.group(1) or "=", match.group(3) or ""
    wanted = tuple(int(p) for p in match.group(2).split("."))
    width = max(3, len(numbers), len(wanted))
    have, want = _release(numbers, width), _release(wanted, width)
    if pre and (pre != wanted_pre or have != want):
        return False  # pre-releases are opt-in: only a condition naming that exact one matches
    # A release sorts after its own pre-releases: 6.0.0-beta1 < 6.0.0.
    have_key, want_key = (have, not pre, pre), (want, not wanted_pre, wanted_pre)
    if op != "~>":
        return COMPARE[op](have_key, want_key)
    # ~> 6.0 means >= 6.0, < 7.0; ~> 6.0.1 means >= 6.0.1, < 6.1.0; ~> 6 behaves like ~> 6.0.
    fixed = max(1, len(wanted) - 1)
    upper = _release((*wanted[: fixed - 1], wanted[fixed - 1] + 1), width)
    return have_key >= want_key and have < upper


def satisfies(version: str, constraint: str) -> bool:
    numbers, pre = _parse_version(version)
    conditions = [c for c in constraint.split(",") if c.strip()]
    if not conditions:
        raise ConstraintError(f"empty version constraint {constraint!r}")
    return all(_condition_holds(c, numbers, pre) for c in conditions)


def aws_constraints(files: list[pathlib.Path]) -> list[tuple[pathlib.Path, str]]:
    """Every hashicorp/aws `version` constraint declared in required_providers blocks."""
    options = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
    found = []
    for path in files:
        document = hcl2.loads(path.read_text(), serialization_options=options)
        for terraform in document.get("terraform", []):
            for providers in terraform.get("required_providers", []):
                for requirement in providers.values():
                    if isinstance(requirement, dict) and requirement.get("source") in AWS_SOURCES:
                        found.append((path, str(requirement.get("version", ""))))
    return found
