"""Turn an API Gateway v2 (payload format 2.0) event into a small typed request.

Tolerant by design: any piece of the event may be missing or `null` (the local emulator and
test tools send trimmed events), and nothing here raises for a malformed event. The body is
only decoded, not interpreted: that is `json_body`'s job.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from asyncinfer_shared.contract import ErrorCode

from .errors import ApiError


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    path_parameters: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    body_is_base64: bool = False

    def body_bytes(self) -> bytes:
        """The body as the client sent it. Raises ApiError when base64 decoding fails."""
        if self.raw_body is None:
            return b""
        if not self.body_is_base64:
            # surrogatepass: a lone surrogate from a bad \u escape must become a 400 later,
            # when the bytes are decoded as UTF-8, not an exception here.
            return self.raw_body.encode("utf-8", errors="surrogatepass")
        try:
            return base64.b64decode(self.raw_body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ApiError(
                ErrorCode.INVALID_BODY, "The request body is not valid base64."
            ) from error


def parse_http_event(event: Any) -> HttpRequest:
    event = event if isinstance(event, dict) else {}
    http = _mapping(_mapping(event.get("requestContext")).get("http"))
    route_key = _text(event.get("routeKey"))
    method = _text(http.get("method")) or _method_of_route_key(route_key)
    path = _text(event.get("rawPath")) or _text(http.get("path"))
    body = event.get("body")
    return HttpRequest(
        method=method.upper(),
        path=path,
        path_parameters={
            key: value
            for key, value in _mapping(event.get("pathParameters")).items()
            if isinstance(key, str) and isinstance(value, str)
        },
        raw_body=body if isinstance(body, str) else None,
        body_is_base64=event.get("isBase64Encoded") is True,
    )


def _method_of_route_key(route_key: str) -> str:
    # "POST /predict" names the method; "$default" (a catch-all route) does not.
    method, _, path = route_key.partition(" ")
    return method if path else ""


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
