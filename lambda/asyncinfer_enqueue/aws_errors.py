"""One translation from AWS failures to `Unavailable`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from asyncinfer_shared.results_table import CONDITION_FAILED_CODE, ConditionFailed

from .errors import Unavailable


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
