"""A burst of concurrent submissions: every one accepted once and succeeded once, none lost."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from asyncinfer_local.burst import poll_until_terminal

REQUESTS = 200
DEADLINE_SECONDS = 90


def test_200_concurrent_submissions_all_succeed_exactly_once(api):
    texts = [f"concurrent request number {index}" for index in range(REQUESTS)]
    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        accepted = list(pool.map(api.submit, texts))
        ids = [answer["request_id"] for answer in accepted]
        assert len(set(ids)) == REQUESTS, "request ids are not unique"
        final = poll_until_terminal(api, pool, ids, time.monotonic() + DEADLINE_SECONDS)

    lost = [request_id for request_id in ids if request_id not in final]
    assert not lost, f"{len(lost)} requests never finished, e.g. {lost[:3]}"
    not_succeeded = [status for status in final.values() if status["status"] != "succeeded"]
    assert not not_succeeded, f"{len(not_succeeded)} did not succeed, e.g. {not_succeeded[:2]}"
    # Each ran inference once: one move to processing, one stored result.
    assert sorted(status["attempts"] for status in final.values()) == [1] * REQUESTS
    assert all(status["result"]["model_version"] for status in final.values())
