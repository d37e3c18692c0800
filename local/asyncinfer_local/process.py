"""Run `asyncinfer up` in a child process and wait until it is serving.

A child process gives the handlers what a Lambda container gives them: environment variables
set before their first import and module-level state of their own. Tests and benchmarks use
this so that the stack's state never leaks into theirs (boto3 clients cached by the handlers,
moto's global backends, os.environ).
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from typing import Any

STARTUP_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 20.0


class StackProcess:
    """`with StackProcess(settings={"queue.visibility_timeout_seconds": 30}) as info:` where
    info is the dict `asyncinfer up --ready-file` writes (api_url, endpoint_url, queue_url...).
    The child inherits this environment, with `env` on top (None unsets a variable); its output
    goes to `log_path`."""

    def __init__(
        self,
        settings: Mapping[str, Any] | None = None,
        extra_args: list[str] | None = None,
        env: Mapping[str, str | None] | None = None,
        log_path: pathlib.Path | None = None,
    ):
        self._settings = dict(settings or {})
        self._extra_args = list(extra_args or [])
        self._env = dict(env or {})
        self._workdir = tempfile.TemporaryDirectory(prefix="asyncinfer-stack-")
        self.log_path = log_path or pathlib.Path(self._workdir.name) / "stack.log"
        self._process: subprocess.Popen | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> dict[str, Any]:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()

    def start(self) -> dict[str, Any]:
        ready_file = pathlib.Path(self._workdir.name) / "ready.json"
        set_args = [f"--set={name}={value}" for name, value in self._settings.items()]
        command = [
            sys.executable,
            "-m",
            "asyncinfer_local",
            "up",
            "--api-port",
            "0",
            "--aws-port",
            "0",
            "--ready-file",
            str(ready_file),
            *set_args,
            *self._extra_args,
        ]
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, value in self._env.items():  # None removes an inherited variable
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdout=log, stderr=subprocess.STDOUT, env=environment
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not ready_file.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The local stack did not start; its output:\n{self.log_tail()}")
            time.sleep(0.1)
        self.info = json.loads(ready_file.read_text())
        return self.info

    def stop(self, signum: int = signal.SIGTERM) -> int | None:
        """Send `signum` (SIGTERM as a service manager would, SIGINT as Ctrl-C does) and return
        the exit code; SIGKILL only if it hangs."""
        process, self._process = self._process, None
        code = None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signum)
                try:
                    code = process.wait(timeout=STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    code = process.wait(timeout=STOP_TIMEOUT_SECONDS)
            else:
                code = process.returncode
        return code

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no output)"

    def cleanup(self) -> None:
        """Stop, then remove the working folder (and the log, unless log_path was given)."""
        self.stop()
        self._workdir.cleanup()
