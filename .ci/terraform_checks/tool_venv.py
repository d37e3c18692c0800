"""Linters whose dependencies clash with the test venv's (checkov pins an old boto3, parliament
needs pkg_resources) each get a venv of their own under .tools/, installed on first use."""

from __future__ import annotations

import pathlib
import subprocess
import venv


def ensure_tool_venv(
    directory: pathlib.Path, requirements: pathlib.Path, timeout: int
) -> pathlib.Path:
    """The venv's bin directory, after installing `requirements` when the venv is missing or was
    installed from other pins (a stamp file keeps the pins it was installed from)."""
    bin_dir = directory / "bin"
    stamp = directory / ".installed"
    pinned = requirements.read_text(encoding="utf-8")
    if (
        (bin_dir / "python").exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8") == pinned
    ):
        return bin_dir
    venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    subprocess.run(  # noqa: S603 - our own venv's pip and our pinned requirements
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r", str(requirements)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    stamp.write_text(pinned, encoding="utf-8")
    return bin_dir
