"""What the function refuses to do, and the one translation from AWS failures to `Unavailable`.

Each error carries an `ErrorCode` from the shared contract; `gateway.error_response` is the one
place that turns a code into an HTTP status.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from asyncinfer_shared.contract import ContractError, ErrorCode
from asyncinfer_shared.results_table import CONDITION_FAILED_CODE, ConditionFailed


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


@contextmanager
def unavailable_on_aws_error(dependency: str) -> Iterator[None]:
    """Raise `Unavailable(dependency)` for any AWS failure inside the block (throttling, service
    errors, missing resources, timeouts, unreachable endpoint, a refused condition)."""
    try:
        yield
    except ConditionFailed as error:
        raise Unavailable(dependency, CONDITION_FAILED_CODE) from error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code") or "ClientError"
        raise Unavailable(dependency, code) from error
    except BotoCoreError as error:
        raise Unavailable(dependency, type(error).__name__) from error
