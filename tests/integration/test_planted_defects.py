"""The suite's key checks fail when the defect they guard is planted in the worker (see
planted_defects.py): a stack of its own runs the defective worker."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from asyncinfer_local.burst import poll_until_terminal
from asyncinfer_local.client import ApiClient
from tests.integration.conftest import TEST_STACK_SETTINGS
from tests.integration.planted_defects import LOSE, RERUN
from tests.integration.queue_access import redeliver, wait_until_drained
from tests.integration.stacks import own_stack


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    with own_stack(
        tmp_path_factory.mktemp("defective"),
        "defect",
        TEST_STACK_SETTINGS,
        ("--worker-handler", "tests.integration.planted_defects.handler"),
    ) as (_, target):
        yield target


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
