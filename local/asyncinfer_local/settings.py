"""The local stack's settings: `infra/settings.json` (the file Terraform reads too) plus
explicit overrides, never a second copy of the values.

An override names a leaf of that file as `section.key` (CLI
`--set queue.visibility_timeout_seconds=30`, Python
`overrides={"queue.visibility_timeout_seconds": 30}`) or as the environment variable
`ASYNCINFER_<SECTION>_<KEY>` (`ASYNCINFER_QUEUE_VISIBILITY_TIMEOUT_SECONDS=30`). Only keys that
exist in the file can be overridden, and each keeps the type it has there.
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_SETTINGS_FILE = REPO_ROOT / "infra" / "settings.json"
ENV_PREFIX = "ASYNCINFER_"


class SettingsError(ValueError):
    """An override names an unknown setting or a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    """Typed view of infra/settings.json after overrides. `values` keeps the merged file."""

    values: Mapping[str, Mapping[str, Any]]

    def get(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self.values[section][key]

    @property
    def visibility_timeout_seconds(self) -> int:
        return self.get("queue.visibility_timeout_seconds")

    @property
    def max_receive_count(self) -> int:
        return self.get("queue.max_receive_count")

    @property
    def worker_timeout_seconds(self) -> int:
        return self.get("worker.timeout_seconds")

    @property
    def worker_memory_mb(self) -> int:
        return self.get("worker.memory_size_mb")

    @property
    def batch_size(self) -> int:
        return self.get("worker.batch_size")

    @property
    def batching_window_seconds(self) -> float:
        return self.get("worker.maximum_batching_window_in_seconds")

    @property
    def maximum_concurrency(self) -> int:
        return self.get("worker.maximum_concurrency")

    @property
    def enqueue_timeout_seconds(self) -> int:
        return self.get("enqueue.timeout_seconds")

    @property
    def enqueue_memory_mb(self) -> int:
        return self.get("enqueue.memory_size_mb")

    @property
    def ttl_attribute(self) -> str:
        return self.get("results.ttl_attribute")

    @property
    def result_ttl_seconds(self) -> int:
        return self.get("results.result_ttl_seconds")


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    path: pathlib.Path | None = None,
) -> Settings:
    """Read the settings file, then apply environment overrides, then explicit `overrides`."""
    environ = os.environ if environ is None else environ
    path = path or pathlib.Path(environ.get("ASYNCINFER_SETTINGS_FILE", DEFAULT_SETTINGS_FILE))
    raw = json.loads(path.read_text())
    values = {
        section: dict(body)
        for section, body in raw.items()
        if not section.startswith("_") and isinstance(body, dict)
    }
    for section, body in values.items():
        for key in body:
            env_name = f"{ENV_PREFIX}{section}_{key}".upper()
            if env_name in environ:
                body[key] = _coerce(f"{section}.{key}", body[key], environ[env_name])
    for dotted, value in (overrides or {}).items():
        section, _, key = dotted.partition(".")
        if key not in values.get(section, {}):
            known = ", ".join(f"{s}.{k}" for s, body in values.items() for k in body)
            raise SettingsError(f"Unknown setting {dotted!r}; known settings: {known}.")
        values[section][key] = _coerce(dotted, values[section][key], value)
    return Settings(values=values)


def parse_assignment(text: str) -> tuple[str, str]:
    """`section.key=value` (the CLI's --set) as a pair."""
    name, sep, value = text.partition("=")
    if not sep or "." not in name:
        raise SettingsError(f"Expected section.key=value, got {text!r}.")
    return name.strip(), value.strip()


def _coerce(name: str, current: Any, value: Any) -> Any:
    """`value` converted to the type the file gives `name`, so '30' overrides 720 as 30. A
    setting the file leaves null (an optional one, such as a reservation) takes a number or
    null: a string is read as JSON, so '5' is 5 and 'null' is None."""
    if current is None:
        return _optional_number(name, value)
    kind = type(current)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            return {"true": True, "false": False}[str(value).lower()]
        if kind is int:
            number = float(value)
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        return kind(value)
    except (KeyError, TypeError, ValueError) as error:
        message = f"Setting {name} must be of type {kind.__name__}, got {value!r}."
        raise SettingsError(message) from error


def _optional_number(name: str, value: Any) -> Any:
    parsed = value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
    if parsed is None or (isinstance(parsed, (int, float)) and not isinstance(parsed, bool)):
        return parsed
    raise SettingsError(f"Setting {name} must be a number or null, got {value!r}.")
