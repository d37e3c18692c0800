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
    """moto's ThreadedMotoServer on host:port (port 0 picks a free one). Its state lives in this
    process and is gone when the process ends."""

    def __init__(self, host: str, port: int):
        self._host = host
        self._port = port
        self._server: Any = None

    def start(self) -> str:
        # Imported here: a stack pointed at LocalStack never needs moto's server code.
        from moto.server import ThreadedMotoServer

        from .moto_atomic import make_dynamodb_item_operations_atomic

        # The worker's exactly-once inference relies on atomic conditional writes.
        make_dynamodb_item_operations_atomic()
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
        # As the server itself will: closed connections in TIME_WAIT do not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OSError(
                f"{host}:{port} is already in use ({error.strerror}); "
                f"set {env_name} to another port."
            ) from error
