"""The local HTTP server under malformed HTTP: every request it refuses gets a status line and a
JSON body, the way API Gateway answers, never a dropped connection or an HTML page."""

from __future__ import annotations

import json
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncinfer_local.http_api import MAX_REQUEST_LINE_BYTES, HttpApi
from asyncinfer_local.lambda_runtime import FunctionConfig

FUNCTION = FunctionConfig(
    "hostile-http", timeout_seconds=10, memory_size_mb=128, region="eu-west-1"
)
READ_TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1 << 20


@pytest.fixture(scope="module")
def api():
    calls: list[dict] = []

    def handler(event, context):
        calls.append(event)
        return {"statusCode": 200, "body": "ok"}

    server = HttpApi(handler, FUNCTION, port=0, access_log=None)
    server.start()
    server.calls = calls
    yield server
    server.stop()


def exchange(api: HttpApi, data: bytes) -> bytes:
    """Send `data`, half-close, and read all the server answers (bounded in size and time)."""
    host, port = api.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=READ_TIMEOUT_SECONDS) as conn:
        try:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything we send
        answer = b""
        while len(answer) < MAX_RESPONSE_BYTES:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
    return answer


def first_response(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, rest = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, status, _ = status_line.split(" ", 2)
    assert version == "HTTP/1.1", status_line
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status), headers, rest[: int(headers["content-length"])]


def assert_json_refusal(answer: bytes, status: int) -> dict:
    got_status, headers, body = first_response(answer)
    assert got_status == status, answer[:200]
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    return json.loads(body)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # An over-long request line used to drop the connection (AttributeError in the handler).
        (b"GET /" + b"a" * MAX_REQUEST_LINE_BYTES + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),  # HTTP/0.9: would be answered without any status line
        (b"GET /health HTTP/3.0\r\nHost: x\r\n\r\n", 505),
        (b"GET /health HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET /health HTTP/1.1\r\n" + b"X: a\r\n" * 200 + b"\r\n", 431),
        # Two different lengths: the first used to win; the body's end is ambiguous.
        (b"POST /predict HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nabcde", 400),
        (b"POST /predict HTTP/1.1\r\nContent-Length: +2\r\n\r\nab", 400),
        (b"POST /predict HTTP/1.1\r\nContent-Length: 5_0\r\n\r\nab", 400),
        (b"POST /predict HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nab", 411),
    ],
    ids=[
        "long-request-line",
        "garbage-line",
        "http-0.9",
        "http-3",
        "long-header",
        "many-headers",
        "conflicting-lengths",
        "signed-length",
        "underscored-length",
        "transfer-encoded",
    ],
)
def test_refused_request_gets_a_json_answer_and_never_reaches_the_function(
    api, request_bytes, status
):
    before = len(api.calls)
    body = assert_json_refusal(exchange(api, request_bytes), status)
    assert isinstance(body["message"], str) and body["message"]
    assert len(api.calls) == before


def test_repeated_identical_content_length_is_one_length(api):
    answer = exchange(
        api,
        b"POST /predict HTTP/1.1\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 2\r\nContent-Length: 2\r\n\r\nab",
    )
    status, _, body = first_response(answer)
    assert (status, body) == (200, b"ok")
    assert api.calls[-1]["body"] == "ab"


_TOKEN = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
_REQUEST_LINES = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda method, path, version: f"{method} {path} {version}".encode(),
        st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "BREW"]) | _TOKEN,
        st.just("/") | st.text(min_size=0, max_size=80).map(lambda p: "/" + p),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.x", "HTTX/1.1", ""]),
    ),
)
_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(["Host", "Content-Length", "Transfer-Encoding", "Expect", "X-A"]) | _TOKEN,
        st.text(max_size=30) | st.integers(-10, 10**30).map(str),
    ),
    max_size=6,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(line=_REQUEST_LINES, headers=_HEADERS, body=st.binary(max_size=64))
def test_any_request_bytes_get_an_http_answer_with_a_json_error_body(api, line, headers, body):
    head = b"\r\n".join(
        [line.replace(b"\r", b"").replace(b"\n", b"")]
        + [f"{name}: {value}".encode("utf-8", "surrogatepass") for name, value in headers]
    )
    answer = exchange(api, head + b"\r\n\r\n" + body)
    if not answer:
        # Only a request the server is still reading the body of (a Content-Length longer than
        # what we sent) may end without an answer: the half-close tells it no more is coming.
        return
    status, headers_out, response_body = first_response(answer)
    if status >= 400:
        assert headers_out["content-type"] == "application/json", answer[:300]
        assert isinstance(json.loads(response_body)["message"], str)
