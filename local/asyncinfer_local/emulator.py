"""The embedded AWS endpoint's own process: `python -m asyncinfer_local.emulator HOST PORT`.

moto's server does DynamoDB's and SQS's work (parsing expressions, checking conditions,
building responses) in Python. Run inside the stack's process it would share one GIL with the
HTTP API, both handlers and the model, so every core but one would sit idle and each side
would slow the other down. In a process of its own it runs on another core, as AWS runs on
other machines. `EmbeddedAws` (aws.py) starts this child; the child prints one JSON line
`{"url": ...}` on stdout once it serves, and stops when its standard input closes (the parent
stopped, or died without stopping it) or on SIGTERM.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading


def serve(host: str, port: int) -> None:
    from moto.server import ThreadedMotoServer

    from .moto_atomic import make_dynamodb_item_operations_atomic

    # The worker's exactly-once inference relies on atomic conditional writes.
    make_dynamodb_item_operations_atomic()
    # werkzeug logs every AWS call at INFO; the stack prints its own one line per request.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C reaches the whole process group: the parent stops first (its poller and handlers
    # still need the endpoint), then closes our stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_stop_when_stdin_closes, args=(stop,), daemon=True).start()
    bound_host, bound_port = server.get_host_and_port()
    print(json.dumps({"url": f"http://{bound_host}:{bound_port}"}), flush=True)
    # The parent reads that one line only: anything printed later goes to stderr, which it
    # passes through, rather than into a pipe nobody drains.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        stop.wait()
    finally:
        server.stop()


def _stop_when_stdin_closes(stop: threading.Event) -> None:
    # The parent never writes: read() returns only at end of file, when its end is closed.
    sys.stdin.buffer.read()
    stop.set()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
