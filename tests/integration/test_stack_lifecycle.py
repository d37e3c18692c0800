"""`asyncinfer up` as a process: idempotent provisioning against an endpoint that is already
running, and a clean stop on SIGTERM or Ctrl-C (SIGINT). These start stacks of their own."""

from __future__ import annotations

import signal
import socket
import uuid

import pytest

from asyncinfer_local.client import ApiClient
from asyncinfer_local.process import StackProcess

FAST_START = ["--no-warm"]


@pytest.fixture
def stack_pair(tmp_path):
    """A stack with its own moto, and a second one using the first's endpoint and names."""
    prefix = f"asyncinfer-lc-{uuid.uuid4().hex[:8]}"
    first = StackProcess(
        extra_args=[*FAST_START, "--name-prefix", prefix], log_path=tmp_path / "first.log"
    )
    first_info = first.start()
    second = StackProcess(
        extra_args=[
            *FAST_START,
            "--name-prefix",
            prefix,
            "--endpoint-url",
            first_info["endpoint_url"],
        ],
        log_path=tmp_path / "second.log",
    )
    try:
        yield first, first_info, second, second.start()
    finally:
        second.cleanup()
        first.cleanup()


def test_provisioning_an_existing_stack_again_reuses_its_resources(stack_pair):
    _, first_info, _, second_info = stack_pair
    for name in ("endpoint_url", "queue_url", "dlq_url", "results_table"):
        assert second_info[name] == first_info[name]
    # One table behind both APIs: a request accepted by one is visible through the other.
    request_id = ApiClient(second_info["api_url"]).submit("fine")["request_id"]
    assert ApiClient(first_info["api_url"]).status(request_id)["request_id"] == request_id


def test_sigterm_and_sigint_stop_the_stack_cleanly_and_free_its_ports(stack_pair):
    first, first_info, second, second_info = stack_pair
    assert second.stop(signal.SIGINT) == 0
    assert first.stop(signal.SIGTERM) == 0
    for log in (first.log_path, second.log_path):
        assert log.read_text().rstrip().endswith("stopped")
    for url in (first_info["api_url"], first_info["endpoint_url"], second_info["api_url"]):
        host, port = url.removeprefix("http://").split(":")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((host, int(port)), timeout=2).close()


def test_busy_api_port_is_refused_with_a_clear_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The later --api-port wins over the "--api-port 0" StackProcess passes first.
        stack = StackProcess(
            extra_args=[*FAST_START, "--api-port", str(port)], log_path=tmp_path / "busy.log"
        )
        with pytest.raises(RuntimeError, match="ASYNCINFER_API_PORT"):
            stack.start()
        stack.cleanup()
