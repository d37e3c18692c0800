"""The HTTP API: a threaded HTTP server that hands every request to the enqueue handler as an
API Gateway v2 event, the way API Gateway's Lambda proxy integration does."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from asyncinfer_enqueue.routes import DEFAULT_ROUTE, GATEWAY_ROUTE_KEYS

from .apigw_event import (
    HttpRequest,
    HttpResponse,
    internal_error,
    route_not_found,
    to_event,
    to_response,
)
from .lambda_runtime import FunctionConfig, Handler, InvocationError, invoke

# API Gateway's own payload limit; the enqueue function enforces its much smaller one.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The longest request line read; a longer one gets 414 (the stdlib server's own limit).
MAX_REQUEST_LINE_BYTES = 65536
# A Content-Length value is digits only: int() would also take "+5", " 5" and "5_0".
CONTENT_LENGTH = re.compile(r"[0-9]+")
# With the stdlib default of 5, a burst of connections overflows the accept queue and clients
# stall for a SYN retransmit (1 s and more).
ACCEPT_BACKLOG = 512


class HttpApi:
    """Serve `handler` on host:port (0 picks a free port) until stop()."""

    def __init__(
        self,
        handler: Handler,
        function: FunctionConfig,
        host: str = "127.0.0.1",
        port: int = 8080,
        access_log: TextIO | None = sys.stderr,
        routes: tuple[str, ...] = GATEWAY_ROUTE_KEYS,  # without "$default": no catch-all route
        max_concurrent_invocations: int = 8,
    ):
        self._handler = handler
        self._function = function
        self._access_log = access_log
        self._routes = routes
        # Lambda would run a burst in hundreds of sandboxes; here every invocation shares one
        # process (and moto), and past a few at once they only slow each other down until the
        # handler's own AWS timeouts fire. Extra requests wait for a slot instead.
        self._slots = threading.BoundedSemaphore(max_concurrent_invocations)
        self._server = _Server((host, port), _request_handler_class(self._serve))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="http-api",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            # shutdown() waits for serve_forever() to notice: only call it when that runs.
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def _serve(self, request: HttpRequest, host_header: str) -> HttpResponse:
        started = time.monotonic()
        domain_name = host_header or self.url.split("//", 1)[1]
        event = to_event(request, domain_name=domain_name, routes=self._routes)
        if event["routeKey"] == DEFAULT_ROUTE and DEFAULT_ROUTE not in self._routes:
            response = route_not_found()
        else:
            try:
                with self._slots:
                    response = to_response(invoke(self._handler, event, self._function))
            except InvocationError:
                response = internal_error()
        if self._access_log is not None:
            elapsed_ms = (time.monotonic() - started) * 1000
            print(
                f"{request.source_ip} {request.method} {request.target} "
                f"{response.status} {len(response.body)}B {elapsed_ms:.0f}ms",
                file=self._access_log,
                flush=True,
            )
        return response


class _Server(ThreadingHTTPServer):
    request_queue_size = ACCEPT_BACKLOG
    daemon_threads = True
    allow_reuse_address = True


def _request_handler_class(serve: Callable[[HttpRequest, str], HttpResponse]) -> type:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 60  # seconds a client may stay silent before its connection is dropped
        server_version = "asyncinfer-local"
        sys_version = ""

        def handle_one_request(self) -> None:
            # One method for every verb: API Gateway forwards them all to the function.
            # parse_request() sets these; a request refused before it must still be answerable.
            self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""
            try:
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE_BYTES + 1)
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if len(self.raw_requestline) > MAX_REQUEST_LINE_BYTES:
                    self._reject(414, "Request-URI Too Long")
                    return
                if not self.parse_request():
                    return
                if self.request_version == "HTTP/0.9":
                    # A bare "GET /" would be answered with no status line at all.
                    self._reject(400, "HTTP/0.9 is not supported")
                    return
                self._dispatch()
                self.wfile.flush()
            except (ConnectionError, TimeoutError):
                self.close_connection = True

        def send_error(self, code: int, message: str | None = None, explain: str | None = None):
            # parse_request() refuses malformed request lines and oversized or too many headers
            # through here; the stdlib answers with an HTML page, API Gateway with JSON.
            default_message = self.responses.get(code, ("Error",))[0]
            self._reject(code, message or default_message)

        def _dispatch(self) -> None:
            if "transfer-encoding" in self.headers:
                # API Gateway buffers the body and passes its length; a chunked or otherwise
                # encoded body is refused rather than half-read.
                self._reject(411, "Length Required")
                return
            lengths = set(self.headers.get_all("content-length") or ["0"])
            if len(lengths) > 1:
                # Two different lengths leave the body's end ambiguous (request smuggling).
                self._reject(400, "Conflicting Content-Length headers")
                return
            (length_text,) = lengths
            if not CONTENT_LENGTH.fullmatch(length_text.strip()):
                self._reject(400, "Invalid Content-Length")
                return
            length = int(length_text)
            if length > MAX_REQUEST_BYTES:
                self._reject(413, "Request Entity Too Large")
                return
            body = self.rfile.read(length) if length else b""
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
            self._send(serve(request, self.headers.get("host", "")))

        def _reject(self, status: int, message: str) -> None:
            # A refused request may leave unread bytes behind: never reuse its connection.
            self.close_connection = True
            # An HTTP/0.9 request line would otherwise get a reply without a status line.
            self.request_version = "HTTP/1.1"
            body = json.dumps({"message": message}).encode()
            self._send(HttpResponse(status, [("content-type", "application/json")], body))

        def _send(self, response: HttpResponse) -> None:
            self.send_response_only(response.status)
            self.send_header("date", self.date_time_string())
            for name, value in response.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            if self.close_connection:
                self.send_header("connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            # HttpApi prints its own one line per request.
            pass

    return RequestHandler
