"""Fixtures for the packaging checks."""

import pathlib
import socket
import subprocess
import sys
import time
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


@pytest.fixture(scope="session")
def moto_endpoint() -> str:
    """moto in server mode on a free loopback port: the S3 the state backend talks to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
