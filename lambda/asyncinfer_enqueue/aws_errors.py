"""One translation from AWS failures to `Unavailable`, shared by both adapters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from .errors import Unavailable


@contextmanager
def unavailable_on_aws_error(
    dependency: str, *, passthrough_code: str | None = None
) -> Iterator[None]:
    """Raise `Unavailable(dependency)` for any AWS failure inside the block (throttling, service
    errors, missing resources, timeouts, unreachable endpoint), except a ClientError with
    `passthrough_code`, which the caller expects and handles itself."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code") or "ClientError"
        if code == passthrough_code:
            raise
        raise Unavailable(dependency, code) from error
    except BotoCoreError as error:
        raise Unavailable(dependency, type(error).__name__) from error
