"""Fixtures for the packaging checks."""

import pathlib
import types

import pytest

from asyncinfer_local.aws import EmbeddedAws
from tests.packaging.ci_scripts import load_ci_script


@pytest.fixture(scope="session")
def zip_builder() -> types.ModuleType:
    return load_ci_script("build_enqueue_zip")


@pytest.fixture(scope="session")
def enqueue_zip(zip_builder, tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("zip") / "enqueue.zip"
    zip_builder.build_zip(out)
    return out


@pytest.fixture(scope="session")
def moto_endpoint() -> str:
    """The local stack's moto server on a free loopback port: the state backend's S3."""
    aws = EmbeddedAws("127.0.0.1", 0)
    yield aws.start()
    aws.stop()
