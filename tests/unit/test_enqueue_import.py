"""The enqueue function's cold start stays light: importing its handler pulls in no torch (nor
numpy), and creates no AWS client. Each check runs in a fresh interpreter; the planted test
proves the check sees a heavy import when there is one."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY_MODULES = ("torch", "numpy")


def modules_after(statement: str, package: str = "asyncinfer_enqueue") -> dict:
    """Heavy modules loaded, and AWS clients `package` created, by `statement` (fresh
    interpreter)."""
    probe = (
        f"import json, sys; {statement}; "
        f"from {package}.settings import CLIENTS; "
        f"print(json.dumps({{'heavy': sorted(set({HEAVY_MODULES!r}) & set(sys.modules)), "
        "'clients': CLIENTS.created()}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(completed.stdout)


def test_importing_the_handler_loads_no_heavy_module():
    assert modules_after("import asyncinfer_enqueue.handler")["heavy"] == []


def test_importing_the_handler_creates_no_aws_client():
    assert modules_after("import asyncinfer_enqueue.handler")["clients"] == []


def test_heavy_import_check_catches_planted_torch():
    loaded = modules_after("import asyncinfer_enqueue.handler; import torch")

    assert "torch" in loaded["heavy"]
