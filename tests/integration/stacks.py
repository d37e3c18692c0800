"""Local stacks this suite starts for itself, each in a child process (see StackProcess)."""

from __future__ import annotations

import pathlib
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from asyncinfer_local.process import StackProcess
from tests.integration.target import Target, target_from_stack


@contextmanager
def own_stack(
    log_dir: pathlib.Path,
    label: str,
    settings: Mapping[str, Any] | None = None,
    extra_args: tuple[str, ...] = (),
    env: Mapping[str, str | None] | None = None,
) -> Iterator[tuple[StackProcess, Target]]:
    """A stack whose resources are named `asyncinfer-<label>-<random>`: names of its own, since
    with AWS_ENDPOINT_URL set every stack shares that endpoint. Stopped and removed on exit."""
    stack = StackProcess(
        settings=settings,
        extra_args=["--name-prefix", f"asyncinfer-{label}-{uuid.uuid4().hex[:8]}", *extra_args],
        env=env,
        log_path=log_dir / "stack.log",
    )
    try:
        yield stack, target_from_stack(stack.start())
    finally:
        stack.cleanup()
