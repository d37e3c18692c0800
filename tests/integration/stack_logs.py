"""What a stack this suite started logged: its handlers' JSON lines, read from its output."""

from __future__ import annotations

import json

from asyncinfer_local.process import StackProcess


def logged(stack: StackProcess, message: str, request_id: str) -> list[dict]:
    """The JSON log lines saying `message` about `request_id`, in order."""
    found = []
    for text in stack.log_path.read_text(errors="replace").splitlines():
        if request_id not in text or not text.startswith("{"):
            continue
        line = json.loads(text)
        if line.get("message") == message and line.get("request_id") == request_id:
            found.append(line)
    return found
