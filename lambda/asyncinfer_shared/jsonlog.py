"""One JSON object per log line, the shape CloudWatch Logs Insights and `jq` read directly.

Stdlib only (the enqueue zip ships no dependencies). Each line carries `level`, `message`,
`logger` and `timestamp`, plus whatever keyword fields the caller passes (request_id,
cold_start, durations...).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Lambda's log-level filter reads `level` and knows TRACE, DEBUG, INFO, WARN, ERROR and FATAL;
# anything else counts as INFO, so Python's WARNING and CRITICAL would pass a WARN filter unseen.
LAMBDA_LEVEL_NAMES = {"WARNING": "WARN", "CRITICAL": "FATAL"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
            + f".{int(record.msecs):03d}Z",
            "level": LAMBDA_LEVEL_NAMES.get(record.levelname, record.levelname),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


JsonFormatter.converter = __import__("time").gmtime


def get_logger(name: str) -> logging.Logger:
    """A logger writing JSON lines to stdout at LOG_LEVEL (default INFO), configured once.

    Lambda's own handler on the root logger is left alone; ours does not propagate to it, so
    every line is printed once and in our format.
    """
    logger = logging.getLogger(name)
    if not getattr(logger, "_asyncinfer_configured", False):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
        logger.propagate = False
        logger._asyncinfer_configured = True  # type: ignore[attr-defined]
    return logger


def log(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log `message` with structured `fields` (request_id, durations...) as top-level keys."""
    logger.log(level, message, extra=fields)
