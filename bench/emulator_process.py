"""The local stack's emulator (moto's server, with the stack's atomic DynamoDB item operations)
in a process of its own, for the end-to-end diagnostic.

By default the local stack runs moto inside the stack's process: one GIL for the emulator, the
HTTP API, the handlers and the model. Pointed at this one with `--endpoint-url`, the stack's
code runs on another core. `python -m bench.emulator_process PORT` is the child; it serves until
SIGTERM.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def moto_server_process() -> Iterator[str]:
    """Start the emulator in a child process on a free port; yield its URL; stop it on exit."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.emulator_process", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _accepts_connections(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start on {HOST}:{port}")
            time.sleep(0.1)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


def serve(port: int) -> None:
    from asyncinfer_local.aws import EmbeddedAws

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server = EmbeddedAws(HOST, port)
    server.start()
    try:
        stop.wait()
    finally:
        server.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
