"""What the Lambda Python runtime does around a handler call: resolve the handler by its dotted
name, pass a context object, JSON-round-trip the event and the result, and turn an exception
into an invocation error (logged the way the runtime logs it)."""

from __future__ import annotations

import decimal
import importlib
import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[dict, Any], Any]
ACCOUNT_ID = "000000000000"


class InvocationError(Exception):
    """The invocation failed as Lambda reports it: errorType and errorMessage."""

    def __init__(self, error_type: str, message: str):
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message


class HandlerNotFound(RuntimeError):
    """The handler name does not lead to a callable (Lambda's Runtime.ImportModuleError)."""


def load_handler(dotted: str) -> Handler:
    """`package.module.function` (Lambda's notation) or `package.module:function`."""
    module_name, sep, attribute = dotted.rpartition(":" if ":" in dotted else ".")
    if not sep or not module_name or not attribute:
        raise HandlerNotFound(f"Handler {dotted!r} is not module.function.")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise HandlerNotFound(f"Cannot load handler {dotted!r}: {error}") from error
    if not callable(handler):
        raise HandlerNotFound(f"Handler {dotted!r} is not callable.")
    return handler


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    timeout_seconds: float
    memory_size_mb: int
    region: str

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.name}"


@dataclass
class LambdaContext:
    """The attributes and method of the runtime's context object. memory_limit_in_mb is a str
    because the runtime reads it from an environment variable."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: str
    deadline: float  # time.monotonic() at which Lambda would stop the invocation
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def new_context(function: FunctionConfig) -> LambdaContext:
    return LambdaContext(
        function_name=function.name,
        invoked_function_arn=function.arn,
        memory_limit_in_mb=str(function.memory_size_mb),
        deadline=time.monotonic() + function.timeout_seconds,
        log_group_name=f"/aws/lambda/{function.name}",
    )


def invoke(handler: Handler, event: dict, function: FunctionConfig) -> Any:
    """Call `handler` as Lambda would. Raises InvocationError for an exception, a result that is
    not JSON-serializable, or a run past the function's timeout (Lambda would have stopped it;
    here it ran to the end, so its side effects happened)."""
    context = new_context(function)
    payload = json.loads(json.dumps(event))
    try:
        result = handler(payload, context)
    except Exception as error:  # any exception is an invocation error
        _log_error(function, context, type(error).__name__, str(error), traceback.format_exc())
        raise InvocationError(type(error).__name__, str(error)) from error
    if context.get_remaining_time_in_millis() <= 0:
        message = f"Task timed out after {function.timeout_seconds:.2f} seconds"
        _log_error(function, context, "Sandbox.Timedout", message, None)
        raise InvocationError("Sandbox.Timedout", message)
    try:
        return json.loads(json.dumps(result, default=_decimal_to_number))
    except (TypeError, ValueError) as error:
        message = f"Unable to marshal response: {error}"
        _log_error(function, context, "Runtime.MarshalError", message, None)
        raise InvocationError("Runtime.MarshalError", message) from error


def _decimal_to_number(value: Any) -> Any:
    # The Python runtime's serializer accepts Decimal (what DynamoDB returns) and nothing else.
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _log_error(
    function: FunctionConfig, context: LambdaContext, kind: str, message: str, trace: str | None
) -> None:
    line = {
        "function": function.name,
        "requestId": context.aws_request_id,
        "errorType": kind,
        "errorMessage": message,
    }
    if trace:
        line["stackTrace"] = trace.splitlines()
    print(json.dumps(line), file=sys.stderr, flush=True)
