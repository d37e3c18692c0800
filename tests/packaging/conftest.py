"""Fixtures for the packaging checks."""

import pathlib
import types

import pytest

from tests.packaging.ci_scripts import load_ci_script


@pytest.fixture(scope="session")
def zip_builder() -> types.ModuleType:
    return load_ci_script("build_enqueue_zip")


@pytest.fixture(scope="session")
def enqueue_zip(zip_builder, tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("zip") / "enqueue.zip"
    zip_builder.build_zip(out)
    return out
