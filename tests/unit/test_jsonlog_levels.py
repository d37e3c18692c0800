"""Every level our JSON lines carry is one of Lambda's log-level names, so Lambda's
application_log_level filter (WARN, ERROR...) keeps warnings and the CRITICAL alerts."""

import io
import json
import logging

import pytest

from asyncinfer_shared import jsonlog

# What Lambda's advanced logging controls read in a JSON line's "level"; anything else is INFO.
LAMBDA_LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
PYTHON_LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]


def emitted_levels() -> dict[int, str]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(jsonlog.JsonFormatter())
    logger = logging.getLogger("test_jsonlog_levels")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.DEBUG)
    for level in PYTHON_LEVELS:
        logger.log(level, "x")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return dict(zip(PYTHON_LEVELS, (line["level"] for line in lines), strict=True))


def unreadable_levels() -> set[str]:
    return set(emitted_levels().values()) - LAMBDA_LEVELS


def test_every_level_written_is_a_lambda_level():
    assert unreadable_levels() == set()
    levels = emitted_levels()
    assert (levels[logging.WARNING], levels[logging.CRITICAL]) == ("WARN", "FATAL")


@pytest.mark.parametrize("python_name", ["WARNING", "CRITICAL"])
def test_a_python_level_name_written_as_is_is_caught(monkeypatch, python_name):
    names = {k: v for k, v in jsonlog.LAMBDA_LEVEL_NAMES.items() if k != python_name}
    monkeypatch.setattr(jsonlog, "LAMBDA_LEVEL_NAMES", names)
    assert unreadable_levels() == {python_name}
