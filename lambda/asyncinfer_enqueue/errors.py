"""The exceptions the function raises for anything it will not do.

Each carries an `ErrorCode` from the shared contract; `responses.error_response` is the one
place that turns a code into an HTTP status.
"""

from __future__ import annotations

from asyncinfer_shared.contract import ContractError, ErrorCode


class ApiError(ContractError):
    """A request the function refuses, with optional extra response headers (e.g. Allow)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(code, message, details)
        self.headers = headers or {}


class Unavailable(ApiError):
    """A dependency (the results table or the queue) failed: the client may retry."""

    def __init__(self, dependency: str, reason: str):
        super().__init__(
            ErrorCode.SERVICE_UNAVAILABLE,
            "The service is temporarily unavailable; retry later.",
            [{"dependency": dependency}],
        )
        self.dependency = dependency
        self.reason = reason
