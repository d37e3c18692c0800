"""A small HTTP client for the asyncinfer API (local stack or a deployed API URL), stdlib only."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asyncinfer_shared.contract import TERMINAL_STATUSES

DEFAULT_API_URL = "http://127.0.0.1:8080"
FIRST_POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 2.0
BACKOFF = 1.5
# Status codes worth another poll: the API says retry (503) or a gateway hiccup.
RETRYABLE = frozenset({429, 500, 502, 503, 504})


class ApiError(Exception):
    """The API answered with an unexpected status; `body` is its JSON (or text)."""

    def __init__(self, status: int, body: Any):
        shown = body if isinstance(body, str) else json.dumps(body)
        super().__init__(f"HTTP {status}: {shown}")
        self.status = status
        self.body = body


class WaitTimeout(Exception):
    """The request was not terminal when the wait ran out; `last` is the last status seen."""

    def __init__(self, request_id: str, last: dict | None):
        super().__init__(f"{request_id} not finished: last status {last and last.get('status')}")
        self.request_id = request_id
        self.last = last


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any  # decoded JSON, or the raw text when it is not JSON


def checked_api_url(url: str) -> str:
    """`url` without its trailing slash, or ValueError saying why it is no API base URL."""
    if any(char.isspace() or not char.isprintable() for char in url):
        raise ValueError(f"API URL {url!r} holds whitespace or control characters.")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"API URL {url!r} must start with http:// or https://.")
    if not parts.hostname:
        raise ValueError(f"API URL {url!r} names no host.")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as error:
        raise ValueError(f"API URL {url!r}: {error}.") from None
    if parts.query or parts.fragment:
        raise ValueError(f"API URL {url!r} must not carry a query or a fragment.")
    return url.rstrip("/")


class ApiClient:
    def __init__(self, base_url: str = DEFAULT_API_URL, timeout: float = 10.0):
        self.base_url = checked_api_url(base_url)
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        """One HTTP request; any status comes back as an ApiResponse (network errors raise)."""
        # The scheme is checked in __init__: only http(s) URLs get here.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return _response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _response(error.code, error.headers, error.read())

    def submit(self, text: str, threshold: float | None = None) -> dict:
        payload: dict[str, Any] = {"text": text}
        if threshold is not None:
            payload["threshold"] = threshold
        response = self.call(
            "POST",
            "/predict",
            json.dumps(payload).encode("utf-8"),
            {"content-type": "application/json"},
        )
        if response.status != 202:
            raise ApiError(response.status, response.body)
        return response.body

    def status(self, request_id: str) -> dict:
        # Quoted whole: an id with a space, a slash or a "?" is still one path segment; an
        # argument the shell gave as undecodable bytes (surrogate escapes) goes as those bytes.
        segment = urllib.parse.quote(request_id, safe="", errors="surrogateescape")
        response = self.call("GET", f"/status/{segment}")
        if response.status != 200:
            raise ApiError(response.status, response.body)
        return response.body

    def wait(
        self,
        request_id: str,
        timeout: float = 120.0,
        on_poll: Callable[[dict | None, float], None] | None = None,
    ) -> dict:
        """Poll until the request is succeeded or failed, backing off from 0.1 s to 2 s.
        Retryable answers (503...) and connection errors are polled again until the timeout."""
        started = time.monotonic()
        delay = FIRST_POLL_SECONDS
        last: dict | None = None
        while True:
            try:
                last = self.status(request_id)
            except ApiError as error:
                if error.status not in RETRYABLE:
                    raise
            except OSError:
                pass  # connection refused or reset: the next poll may get through
            elapsed = time.monotonic() - started
            if on_poll is not None:
                on_poll(last, elapsed)
            if last is not None and last.get("status") in TERMINAL_STATUSES:
                return last
            if elapsed + delay > timeout:
                raise WaitTimeout(request_id, last)
            time.sleep(delay)
            delay = min(delay * BACKOFF, MAX_POLL_SECONDS)


def _response(status: int, headers: Any, raw: bytes) -> ApiResponse:
    text = raw.decode("utf-8", errors="replace")
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = text
    return ApiResponse(status, {name.lower(): value for name, value in headers.items()}, body)
