"""The build scripts under .ci/, loaded as modules (they are run as files by make and CI)."""

import importlib.util
import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_ci_script(name: str) -> types.ModuleType:
    """Import `.ci/<name>.py` once and return the module."""
    module_name = f"ci_{name}"
    if module_name not in sys.modules:
        path = ROOT / ".ci" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]
