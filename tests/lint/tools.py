"""The linters, as installed in the venv that runs the tests (pinned in tests/requirements.txt)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


def run(tool: str, *args: str, cwd: pathlib.Path = ROOT) -> subprocess.CompletedProcess:
    """Run a linter from the venv; output is text with stdout and stderr merged."""
    return subprocess.run(
        [str(BIN / tool), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
