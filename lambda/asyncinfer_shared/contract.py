"""The one definition of what the enqueue function and the worker exchange.

Everything both sides must agree on lives here: the prediction input rules, the SQS message
schema (with its version), the DynamoDB item attributes, the status values and the error codes.
This module is stdlib-only so it ships unchanged in the enqueue zip and in the worker image.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# ---------------------------------------------------------------------------
# Prediction input
# ---------------------------------------------------------------------------

TEXT_MIN_CHARS = 1
TEXT_MAX_CHARS = 1000
DEFAULT_THRESHOLD = 0.5
PREDICT_FIELDS = frozenset({"text", "threshold"})

REQUEST_ID_PATTERN = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


class ContractError(Exception):
    """A value breaks the contract. `code` is one of ErrorCode; `details` lists what is wrong."""

    def __init__(self, code: ErrorCode, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []


@dataclass(frozen=True)
class PredictionInput:
    text: str
    threshold: float = DEFAULT_THRESHOLD


def parse_prediction_input(value: Any) -> PredictionInput:
    """Validate a decoded JSON value as a prediction input.

    Raises ContractError listing every problem at once, so a client can fix them in one go.
    """
    if not isinstance(value, dict):
        raise ContractError(
            ErrorCode.INVALID_BODY,
            "The request body must be a JSON object.",
            [{"field": None, "issue": f"got {_json_type(value)}"}],
        )
    details: list[dict] = []
    for field in sorted(set(value) - PREDICT_FIELDS):
        details.append({"field": field, "issue": "unknown field"})

    text = value.get("text")
    if "text" not in value:
        details.append({"field": "text", "issue": "required"})
    elif not isinstance(text, str):
        details.append({"field": "text", "issue": f"must be a string, got {_json_type(text)}"})
    elif not _is_encodable(text):
        # JSON can carry a lone surrogate ("\ud800"); it is not text and no tokenizer can encode it.
        details.append({"field": "text", "issue": "must be valid Unicode (no lone surrogates)"})
    elif not TEXT_MIN_CHARS <= len(text) <= TEXT_MAX_CHARS:
        details.append(
            {
                "field": "text",
                "issue": f"must be {TEXT_MIN_CHARS} to {TEXT_MAX_CHARS} characters, "
                f"got {len(text)}",
            }
        )

    threshold = value.get("threshold", DEFAULT_THRESHOLD)
    # bool is an int in Python, but `true` is not a number in JSON.
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        details.append(
            {"field": "threshold", "issue": f"must be a number, got {_json_type(threshold)}"}
        )
    elif not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        details.append({"field": "threshold", "issue": "must be between 0 and 1"})

    if details:
        raise ContractError(ErrorCode.VALIDATION_ERROR, "The request body is not valid.", details)
    return PredictionInput(text=text, threshold=float(threshold))


def _is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_request_id(value: Any) -> bool:
    return isinstance(value, str) and REQUEST_ID_PATTERN.fullmatch(value) is not None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# ---------------------------------------------------------------------------
# Status values and error codes
# ---------------------------------------------------------------------------


class Status(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


TERMINAL_STATUSES = frozenset({Status.SUCCEEDED, Status.FAILED})


class ErrorCode(StrEnum):
    # HTTP API errors (the status each maps to lives in the enqueue function's error mapping)
    INVALID_JSON = "invalid_json"
    INVALID_BODY = "invalid_body"
    VALIDATION_ERROR = "validation_error"
    INVALID_REQUEST_ID = "invalid_request_id"
    ROUTE_NOT_FOUND = "route_not_found"
    REQUEST_NOT_FOUND = "request_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INTERNAL_ERROR = "internal_error"  # a bug on our side: answered 500, never for bad input
    # Terminal failure reasons stored on a failed request
    ENQUEUE_FAILED = "enqueue_failed"
    MALFORMED_MESSAGE = "malformed_message"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    MISSING_REQUEST_ID = "missing_request_id"
    INVALID_INPUT = "invalid_input"
    INFERENCE_FAILED = "inference_failed"
    RETRIES_EXHAUSTED = "retries_exhausted"
    # The worker stopped (crash, timeout, init failure) on every allowed receive without
    # finishing the request; the dead-letter drain failed it once the message was dead-lettered.
    WORKER_STOPPED = "worker_stopped"


# ---------------------------------------------------------------------------
# SQS message
# ---------------------------------------------------------------------------

MESSAGE_SCHEMA_VERSION = 1
SUPPORTED_MESSAGE_VERSIONS = frozenset({MESSAGE_SCHEMA_VERSION})


@dataclass(frozen=True)
class InferenceMessage:
    request_id: str
    text: str
    threshold: float
    submitted_at: str
    schema_version: int = MESSAGE_SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema_version": self.schema_version,
                "request_id": self.request_id,
                "text": self.text,
                "threshold": self.threshold,
                "submitted_at": self.submitted_at,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def parse_message(body: str) -> InferenceMessage:
    """Decode an SQS message body. Raises ContractError with a terminal error code: a message that
    fails here can never succeed, so the worker fails its request instead of retrying it."""
    try:
        value = json.loads(body, parse_constant=reject_json_constant)
    except (TypeError, ValueError) as error:
        raise ContractError(
            ErrorCode.MALFORMED_MESSAGE, f"Message body is not JSON: {error}"
        ) from error
    if not isinstance(value, dict):
        raise ContractError(ErrorCode.MALFORMED_MESSAGE, "Message body is not a JSON object.")
    version = value.get("schema_version")
    if version not in SUPPORTED_MESSAGE_VERSIONS or isinstance(version, bool):
        raise ContractError(
            ErrorCode.UNSUPPORTED_SCHEMA_VERSION,
            f"Message schema_version {version!r} is not supported "
            f"(supported: {sorted(SUPPORTED_MESSAGE_VERSIONS)}).",
        )
    request_id = value.get("request_id")
    if not is_request_id(request_id):
        raise ContractError(
            ErrorCode.MISSING_REQUEST_ID, "Message has no valid request_id (a UUID4 string)."
        )
    submitted_at = value.get("submitted_at")
    if not isinstance(submitted_at, str):
        raise ContractError(ErrorCode.MALFORMED_MESSAGE, "Message has no submitted_at timestamp.")
    try:
        prediction_input = parse_prediction_input(
            {key: value[key] for key in PREDICT_FIELDS if key in value}
        )
    except ContractError as error:
        raise ContractError(ErrorCode.INVALID_INPUT, error.message, error.details) from error
    return InferenceMessage(
        request_id=request_id,
        text=prediction_input.text,
        threshold=prediction_input.threshold,
        submitted_at=submitted_at,
        schema_version=version,
    )


def request_id_of(body: str) -> str | None:
    """Best-effort request id of a message that failed to parse, so its request can be failed."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return None
    request_id = value.get("request_id") if isinstance(value, dict) else None
    return request_id if is_request_id(request_id) else None


class StrictJsonError(ValueError):
    """Text Python's json module would take but strict JSON refuses (RFC 8259)."""


def reject_json_constant(name: str) -> Any:
    """`parse_constant` for json.loads: NaN and Infinity are not JSON, and would poison numbers."""
    raise StrictJsonError(f"{name} is not a JSON number.")


# ---------------------------------------------------------------------------
# DynamoDB item
# ---------------------------------------------------------------------------


class Attr:
    """Attribute names of a results-table item. The table's hash key is REQUEST_ID; Terraform
    enables TTL on EXPIRES_AT (infra/settings.json names it too, and a test keeps them equal)."""

    REQUEST_ID = "request_id"
    STATUS = "status"
    CREATED_AT = "created_at"  # ISO-8601 UTC
    STARTED_AT = "started_at"  # ISO-8601 UTC, first move to processing
    COMPLETED_AT = "completed_at"  # ISO-8601 UTC, move to succeeded or failed
    ATTEMPTS = "attempts"  # number of moves to processing
    RESULT = "result"  # map, only when succeeded
    ERROR = "error"  # map {code, message}, only when failed
    METRICS = "metrics"  # map {queue_ms, inference_ms}
    EXPIRES_AT = "expires_at"  # epoch seconds: the TTL attribute
    # Epoch milliseconds, worker-only: while processing, the instant after which the delivery
    # that holds the request is certainly over (its invocation's deadline). Until then no other
    # delivery may start it; after it, one may take over (crash recovery).
    LEASE_EXPIRES_AT = "lease_expires_at"
    # ISO-8601 UTC, worker-only: when a delivery started this request's inference on its own,
    # as a suspect of having crashed the worker. A later delivery runs a request marked so
    # after the others of its batch, so a message that kills the worker cannot take them along.
    RAN_ALONE_AT = "ran_alone_at"


DEFAULT_RESULT_TTL_SECONDS = 86400


def utc_now_iso(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------

LABELS = ("negative", "positive")


def prediction_result(
    p_negative: float, p_positive: float, threshold: float, model_version: str
) -> dict:
    """The `result` of a succeeded request: positive when p(positive) > threshold, with the
    confidence being the probability of the predicted label."""
    prediction = "positive" if p_positive > threshold else "negative"
    return {
        "prediction": prediction,
        "confidence": p_positive if prediction == "positive" else p_negative,
        "probabilities": {"negative": p_negative, "positive": p_positive},
        "threshold": threshold,
        "model_version": model_version,
    }
