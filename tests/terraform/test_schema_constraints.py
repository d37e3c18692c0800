"""The provider version our schema came from satisfies every hashicorp/aws constraint we declare,
and constraint matching follows Terraform's rules."""

from __future__ import annotations

import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".ci"))

from tfschema.constraints import ConstraintError, aws_constraints, satisfies  # noqa: E402
from tfschema.schema import load_schema  # noqa: E402
from tfschema.validate import terraform_files  # noqa: E402


def test_schema_provider_version_satisfies_every_declared_aws_constraint():
    version = load_schema()["provider_version"]
    declared = aws_constraints(terraform_files())
    assert declared, "no hashicorp/aws version constraint found in required_providers"
    unmet = [f"{path}: {c!r}" for path, c in declared if not satisfies(version, c)]
    assert unmet == [], f"provider {version} does not satisfy: {unmet}"


def test_constraint_declared_in_required_providers_is_found(tmp_path):
    versions = tmp_path / "versions.tf"
    versions.write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = ">= 7.0"\n    }\n    archive = {\n      source  = "hashicorp/archive"\n'
        '      version = "~> 2.7"\n    }\n  }\n}\n'
    )
    assert aws_constraints([versions]) == [(versions, ">= 7.0")]
    assert not satisfies(load_schema()["provider_version"], ">= 7.0")


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("6.69.1", "~> 6.0", True),
        ("7.0.0", "~> 6.0", False),
        ("6.0.9", "~> 6.0.1", True),
        ("6.1.0", "~> 6.0.1", False),
        ("6.0.0", "~> 6.0.1", False),
        ("6.69.1", "~> 6", True),
        ("7.0.0", "~> 6", False),
        ("6.69.1", ">= 6.1, < 7", True),
        ("7.0.0", ">= 6.1, < 7", False),
        ("6.0.0", ">= 6.1, < 7", False),
        ("6.69.1", "= 6.69.1", True),
        ("6.69.1", "6.69.1", True),
        ("6.69.2", "6.69.1", False),
        ("6.69.1", "!= 6.69.1", False),
        ("6.69.1", "> 6.69.0, <= 6.69.1", True),
        ("6.69.1", "< 6.69.1", False),
        ("6.0.0-beta1", ">= 5.0", False),
        ("6.0.0-beta1", "= 6.0.0-beta1", True),
        ("6.0.0", ">= 6.0.0-beta1", True),
    ],
)
def test_version_constraint_matching(version, constraint, expected):
    assert satisfies(version, constraint) is expected


@pytest.mark.parametrize("constraint", ["", "~> six", ">= 6.0 <7", "=> 6.0"])
def test_malformed_constraint_is_an_error(constraint):
    with pytest.raises(ConstraintError):
        satisfies("6.69.1", constraint)
