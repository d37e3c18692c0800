"""The AWS endpoint the local stack talks to: moto's server in a child process, or an endpoint
that is already running (LocalStack or any compatible one) named by AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

# moto and LocalStack accept any key; these only have to look like credentials.
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
START_TIMEOUT_SECONDS = 60.0  # importing moto's server on a busy 2-core machine: a few seconds
STOP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Endpoint:
    url: str | None  # None: the real AWS endpoints (a deployed stack)
    region: str
    # True for an emulator: sign with DUMMY_CREDENTIALS instead of looking for real ones.
    dummy_credentials: bool = False

    def client(self, service: str, max_pool_connections: int = 10, read_timeout: int = 30) -> Any:
        """A boto3 client for `service` at this endpoint; read_timeout outlasts a long poll."""
        config = Config(
            region_name=self.region,
            max_pool_connections=max_pool_connections,
            read_timeout=read_timeout,
            retries={"mode": "standard", "max_attempts": 3},
        )
        credentials = (
            {
                "aws_access_key_id": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "aws_session_token": DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
            }
            if self.dummy_credentials
            else {}
        )
        return boto3.client(service, endpoint_url=self.url, config=config, **credentials)


class EmbeddedAws:
    """moto's server on host:port (port 0 picks a free one), in a child process of its own
    (emulator.py says why). Its state lives in that process and is gone when it stops."""

    def __init__(self, host: str, port: int, start_timeout_seconds: float = START_TIMEOUT_SECONDS):
        self._host = host
        self._port = port
        self._start_timeout_seconds = start_timeout_seconds
        self._process: subprocess.Popen | None = None

    def start(self) -> str:
        # moto's server waits forever when it cannot bind: fail first, with the setting to change.
        ensure_port_free(self._host, self._port, "ASYNCINFER_AWS_PORT")
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "asyncinfer_local.emulator", self._host, str(self._port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # stderr is inherited: what moto says when it breaks lands in the stack's own log
        )
        try:
            return self._read_url()
        except BaseException:
            self.stop()
            raise

    def _read_url(self) -> str:
        """The child's first line of output, within the start timeout."""
        process = self._process
        assert process is not None and process.stdout is not None
        answer: list[bytes] = []
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline()))
        reader.daemon = True
        reader.start()
        reader.join(self._start_timeout_seconds)
        line = answer[0] if answer else b""
        if not line:
            raise RuntimeError(
                f"the embedded AWS endpoint did not start on {self._host}:{self._port} within "
                f"{self._start_timeout_seconds:g} s (its errors, if any, are printed above)"
            )
        return json.loads(line)["url"]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the child's signal to stop
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        if process.stdout is not None:
            process.stdout.close()


def ensure_port_free(host: str, port: int, env_name: str) -> None:
    """Raise a clear error when host:port is taken (port 0 always works)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server itself will: closed connections in TIME_WAIT do not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OSError(
                f"{host}:{port} is already in use ({error.strerror}); "
                f"set {env_name} to another port."
            ) from error
