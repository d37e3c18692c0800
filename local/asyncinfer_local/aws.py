"""The AWS endpoint the local stack talks to: moto's server in this process, or an endpoint that
is already running (LocalStack or any compatible one) named by AWS_ENDPOINT_URL."""

from __future__ import annotations

import logging
import socket
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


@dataclass(frozen=True)
class Endpoint:
    url: str | None  # None: the real AWS endpoints (a deployed stack)
    region: str

    def client(self, service: str, max_pool_connections: int = 10, read_timeout: int = 30) -> Any:
        """A boto3 client for `service` at this endpoint; read_timeout outlasts a long poll."""
        config = Config(
            region_name=self.region,
            max_pool_connections=max_pool_connections,
            read_timeout=read_timeout,
            retries={"mode": "standard", "max_attempts": 3},
        )
        return boto3.client(service, endpoint_url=self.url, config=config)


class EmbeddedAws:
    """moto's ThreadedMotoServer on host:port (port 0 picks a free one). Its state lives in this
    process and is gone when the process ends."""

    def __init__(self, host: str, port: int):
        self._host = host
        self._port = port
        self._server: Any = None

    def start(self) -> str:
        # Imported here: a stack pointed at LocalStack never needs moto's server code.
        from moto.server import ThreadedMotoServer

        # ThreadedMotoServer.start() waits forever when its thread cannot bind: fail first here.
        ensure_port_free(self._host, self._port, "ASYNCINFER_AWS_PORT")
        # werkzeug logs every AWS call at INFO; the stack prints its own one line per request.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def ensure_port_free(host: str, port: int, env_name: str) -> None:
    """Raise a clear error when host:port is taken (port 0 always works)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OSError(
                f"{host}:{port} is already in use ({error.strerror}); "
                f"set {env_name} to another port."
            ) from error
