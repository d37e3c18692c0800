"""Integration fixtures: one local stack (a child process running `asyncinfer up` on free
ports) for the whole folder, unless ASYNCINFER_API_URL names a running stack (see target.py).
A failing test's report ends with the tail of the stack's output."""

from __future__ import annotations

import pytest

from asyncinfer_local.client import ApiClient
from asyncinfer_local.defaults import DEAD_LETTER_HANDLER_VARIABLE
from asyncinfer_local.process import StackProcess
from tests.integration.stacks import own_stack
from tests.integration.target import SKIP_REASON, Target, target_from_environment

# An explicit override, not a copy: 720 s (6x the worker timeout, what AWS asks for) would make
# any retried message outlive the suite; 60 s still dwarfs a batch's processing time here.
TEST_STACK_SETTINGS = {"queue.visibility_timeout_seconds": 60}
# No dead-letter drain on this stack: the poison cases read what the worker forwarded to the DLQ,
# which the drain would consume first. test_dead_letter_drain.py and test_redelivery.py
# run stacks of their own with the drain.
UNDRAINED = {DEAD_LETTER_HANDLER_VARIABLE: ""}

_running: list[StackProcess] = []


@pytest.fixture(scope="package")
def target(tmp_path_factory) -> Target:
    configured = target_from_environment()
    if configured is not None:
        yield configured
        return
    with own_stack(tmp_path_factory.mktemp("stack"), "it", TEST_STACK_SETTINGS, env=UNDRAINED) as (
        stack,
        local,
    ):
        _running.append(stack)
        try:
            yield local
        finally:
            _running.remove(stack)


@pytest.fixture(scope="package")
def api(target: Target) -> ApiClient:
    return ApiClient(target.api_url, timeout=30)


@pytest.fixture
def direct(target: Target) -> Target:
    """The target, for cases that send to the queue or read the table themselves."""
    if not target.has_direct_access:
        pytest.skip(SKIP_REASON)
    return target


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _running:
        stack = _running[-1]
        report.sections.append((f"local stack output ({stack.log_path})", stack.log_tail(80)))
    return report
