"""Fixtures for the packaging checks: the build scripts under .ci/ loaded as modules."""

import importlib.util
import pathlib
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_ci_script(name: str) -> types.ModuleType:
    """Import `.ci/<name>.py` (not a package: the scripts are run as files by make and CI)."""
    path = ROOT / ".ci" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"ci_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def zip_builder() -> types.ModuleType:
    return load_ci_script("build_enqueue_zip")


@pytest.fixture(scope="session")
def enqueue_zip(zip_builder, tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("zip") / "enqueue.zip"
    zip_builder.build_zip(out)
    return out
