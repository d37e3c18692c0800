"""Run the per-message AWS calls of a batch at the same time.

Each DynamoDB or SQS call is a network round trip; ten of them one after another cost ten round
trips. boto3 clients are thread-safe, so a small pool of threads overlaps them. The pool lives as
long as the container, so no batch pays for starting threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class IoPool:
    def __init__(self, max_workers: int):
        self.max_workers = max_workers
        self._executor = (
            ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="asyncinfer-io")
            if max_workers > 1
            else None
        )

    def map(self, function: Callable[[Item], Outcome], items: Iterable[Item]) -> list[Outcome]:
        """`function` over `items`, results in order. `function` should not raise: an exception
        propagates out of this call after every item ran."""
        items = list(items)
        if self._executor is None or len(items) <= 1:
            return [function(item) for item in items]
        return list(self._executor.map(function, items))


_pools: dict[int, IoPool] = {}
_pools_lock = threading.Lock()


def io_pool(max_workers: int) -> IoPool:
    with _pools_lock:
        if max_workers not in _pools:
            _pools[max_workers] = IoPool(max_workers)
        return _pools[max_workers]
