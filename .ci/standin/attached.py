"""One long-lived stand-in process per provider, that Terraform attaches to instead of starting.

Terraform starts a provider process for every plan and for every `run` of a `terraform test`
(twice per run), and the stand-in takes about 0.4 s to start (Python, gRPC, the schema): most of
a module test's time. Started once here and named in TF_REATTACH_PROVIDERS (go-plugin's
reattach, what provider developers debug with), every command talks to the same processes.
With `"Test": true` Terraform leaves them running when a command ends; we stop them.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import MAGIC_COOKIE  # noqa: E402

START_TIMEOUT_S = 30


def _handshake(process: subprocess.Popen, name: str) -> str:
    """The server's one line, `1|6|tcp|<host:port>|grpc|` (no certificate: no AutoMTLS here)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline().strip()
            fields = line.split("|")
            if len(fields) < 5 or fields[1] != "6" or fields[2] != "tcp":
                raise RuntimeError(f"stand-in {name}: unexpected handshake {line!r}")
            return fields[3]
        if process.poll() is not None:
            break
    raise RuntimeError(f"stand-in {name}: no handshake within {START_TIMEOUT_S} s")


@contextlib.contextmanager
def attached_providers(names: list[str]) -> Iterator[str]:
    """Start a stand-in per provider name; yields the TF_REATTACH_PROVIDERS value."""
    env = {k: v for k, v in os.environ.items() if k != "PLUGIN_CLIENT_CERT"}
    env["TF_PLUGIN_MAGIC_COOKIE"] = MAGIC_COOKIE
    processes: list[subprocess.Popen] = []
    try:
        reattach = {}
        for name in names:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, str(HERE / "server.py"), name],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            processes.append(process)
            reattach[f"registry.terraform.io/hashicorp/{name}"] = {
                "Protocol": "grpc",
                "ProtocolVersion": 6,
                "Pid": process.pid,
                "Test": True,
                "Addr": {"Network": "tcp", "String": _handshake(process, name)},
            }
        yield json.dumps(reattach)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
