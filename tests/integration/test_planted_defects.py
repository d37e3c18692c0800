"""The suite's key checks fail when the defect they guard is planted in the worker (see
planted_defects.py): a stack of its own runs the defective worker."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from asyncinfer_local.burst import poll_until_terminal
from asyncinfer_local.client import ApiClient
from asyncinfer_local.process import StackProcess
from tests.integration.conftest import TEST_STACK_SETTINGS
from tests.integration.planted_defects import LOSE, RERUN
from tests.integration.queue_access import redeliver, wait_until_drained
from tests.integration.target import target_from_stack


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    stack = StackProcess(
        settings=TEST_STACK_SETTINGS,
        extra_args=[
            "--worker-handler",
            "tests.integration.planted_defects.handler",
            "--name-prefix",
            f"asyncinfer-defect-{uuid.uuid4().hex[:8]}",
        ],
        log_path=tmp_path_factory.mktemp("defective") / "stack.log",
    )
    try:
        yield target_from_stack(stack.start())
    finally:
        stack.cleanup()


def test_lost_messages_are_reported_as_never_finished(defective):
    api = ApiClient(defective.api_url)
    texts = ["fine"] * 5 + [f"fine {LOSE}"] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = [answer["request_id"] for answer in pool.map(api.submit, texts)]
        wait_until_drained(defective)  # every message consumed, lost ones included
        final = poll_until_terminal(api, pool, ids, time.monotonic() + 2)
    lost = [request_id for request_id in ids if request_id not in final]
    assert lost == ids[5:], "a worker that drops messages went unnoticed"


def test_rerun_on_redelivery_changes_the_stored_outcome(defective):
    first, after = redeliver(ApiClient(defective.api_url), defective, f"fine {RERUN}", 0.4)
    assert after != first
    assert after["attempts"] == 2
