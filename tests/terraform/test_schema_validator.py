"""Our Terraform checked against the AWS provider 6.x schema (issue 6), and the committed
schema checked for staleness."""

from __future__ import annotations

import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".ci"))

from tfschema import extract  # noqa: E402
from tfschema.schema import load_schema, staleness  # noqa: E402
from tfschema.validate import Validator, terraform_files  # noqa: E402


def test_repo_terraform_matches_the_aws_provider_schema():
    validator = Validator(load_schema())
    problems = validator.validate_files(terraform_files())
    assert problems == [], "\n".join(map(str, problems))


def test_committed_schema_was_generated_by_the_current_extractor():
    assert staleness(load_schema()) == []


def test_schema_generated_by_another_extractor_is_reported_stale():
    schema = {**load_schema(), "extractor_sha256": "0" * 64}
    assert any("run `make tf-schema`" in reason for reason in staleness(schema))


def test_committed_schema_comes_from_the_pinned_wheel():
    schema = load_schema()
    assert schema["source"] == {
        "package": extract.PACKAGE,
        "version": extract.PACKAGE_VERSION,
        "sha256": extract.WHEEL_SHA256,
    }
    assert schema["provider"] == extract.PROVIDER_SOURCE
