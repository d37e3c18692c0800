"""Reading a function's settings from its environment, the same way in every function.

A missing or malformed setting is a deployment bug: the function raises SettingsError, which
names the variable, instead of guessing a table name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class SettingsError(RuntimeError):
    """The function is misconfigured: nothing can be served until it is fixed."""


def environment(environ: Mapping[str, str] | None, *required: str) -> Mapping[str, str]:
    """`environ` (os.environ unless given), once every one of the `required` names is set in it."""
    env = os.environ if environ is None else environ
    missing = [name for name in required if not env.get(name)]
    if missing:
        raise SettingsError(f"Missing required environment variables: {', '.join(missing)}")
    return env


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """The variable as an integer of at least 1; `default` when it is unset or empty."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}")
    return value
