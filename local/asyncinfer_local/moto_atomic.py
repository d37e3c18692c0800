"""Make moto's DynamoDB item operations atomic, as DynamoDB's own are.

moto evaluates a conditional write by reading the item, checking the condition and writing in
separate steps with no lock, so two concurrent writers can both pass one condition: two copies
of an SQS message then both win the worker's `pending -> processing` move (seen here in 2 of 24
integration runs). The worker relies on DynamoDB's real guarantee, so the emulator must give it.
One process-wide lock serialises moto's item operations; moto is an emulator, not a throughput
benchmark of DynamoDB, and each operation is microseconds.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

ITEM_OPERATIONS = ("get_item", "put_item", "update_item", "delete_item", "transact_write_items")
_LOCK = threading.RLock()
_MARK = "__asyncinfer_atomic__"


def _atomic(operation: Callable) -> Callable:
    @functools.wraps(operation)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return operation(*args, **kwargs)

    setattr(locked, _MARK, True)
    return locked


def make_dynamodb_item_operations_atomic(patch: Callable[[Any, str, Any], None] = setattr) -> None:
    """Wrap moto's DynamoDB item operations in one lock (idempotent). `patch` lets a test use
    pytest's monkeypatch.setattr so the change is undone after it."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in ITEM_OPERATIONS:
        operation = getattr(DynamoDBBackend, name)
        if not getattr(operation, _MARK, False):
            patch(DynamoDBBackend, name, _atomic(operation))


def is_atomic() -> bool:
    from moto.dynamodb.models import DynamoDBBackend

    return all(getattr(getattr(DynamoDBBackend, name), _MARK, False) for name in ITEM_OPERATIONS)
