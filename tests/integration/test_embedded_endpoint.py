"""The embedded AWS endpoint: moto's server in a child process that serves, stops with its
parent, and never outlives it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from urllib.parse import urlparse

import pytest

from asyncinfer_local.aws import EmbeddedAws, Endpoint

GONE_WITHIN_SECONDS = 15.0
REGION = "us-east-1"


def accepts_connections(url: str) -> bool:
    address = urlparse(url)
    try:
        with socket.create_connection((address.hostname, address.port), timeout=1):
            return True
    except OSError:
        return False


def wait_until_gone(url: str) -> bool:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if not accepts_connections(url):
            return True
        time.sleep(0.2)
    return False


def test_the_endpoint_serves_aws_calls_and_frees_its_port_on_stop():
    endpoint = EmbeddedAws("127.0.0.1", 0)
    url = endpoint.start()
    try:
        sqs = Endpoint(url, REGION, dummy_credentials=True).client("sqs")
        queue_url = sqs.create_queue(QueueName="embedded-endpoint-check")["QueueUrl"]
        assert sqs.list_queues()["QueueUrls"] == [queue_url]
    finally:
        endpoint.stop()
    assert wait_until_gone(url)


def test_the_endpoint_stops_when_its_parent_is_killed():
    """SIGKILL gives the parent no chance to stop its child: the child notices its standard
    input closing and exits, so no moto server is left holding a port."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import time
                from asyncinfer_local.aws import EmbeddedAws
                print(EmbeddedAws("127.0.0.1", 0).start(), flush=True)
                time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = parent.stdout.readline().strip()
        assert accepts_connections(url)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_until_gone(url)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


def test_a_busy_aws_port_is_refused_with_the_setting_to_change():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="ASYNCINFER_AWS_PORT"):
            EmbeddedAws("127.0.0.1", port).start()
