"""How checkov hands attribute values to a check, unwrapped: it wraps each value in a list."""

from __future__ import annotations

from typing import Any


def first(conf: dict, key: str, default: Any = None) -> Any:
    value = conf.get(key, default)
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def flat(value: Any) -> list:
    """A (nested) list of values as one flat list."""
    if isinstance(value, list):
        return [item for inner in value for item in flat(inner)]
    return [value]


def unresolved(value: Any) -> bool:
    """True when checkov could not evaluate the value (it left a Terraform expression in)."""
    return isinstance(value, str) and ("${" in value or "var." in value or "local." in value)
