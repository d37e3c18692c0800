"""Just enough Dockerfile reading to replay the worker image's COPY lines without Docker."""

import json
import pathlib
import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Copy:
    sources: tuple[str, ...]
    destination: str
    from_stage: str | None


def instructions(path: pathlib.Path) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) pairs with line continuations joined and comments dropped."""
    logical, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    return [
        (keyword.upper(), rest.strip())
        for keyword, rest in (line.split(None, 1) for line in logical)
    ]


def stages(path: pathlib.Path) -> list[Stage]:
    found = []
    for keyword, arguments in instructions(path):
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", arguments, flags=re.IGNORECASE)
            found.append(Stage(base=match.group(1), name=match.group(2)))
        elif found:
            found[-1].instructions.append((keyword, arguments))
    return found


def copies(stage: Stage) -> list[Copy]:
    result = []
    for keyword, arguments in stage.instructions:
        if keyword != "COPY":
            continue
        words = shlex.split(arguments)
        flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--"))
        paths = [w for w in words if not w.startswith("--")]
        result.append(Copy(tuple(paths[:-1]), paths[-1], flags.get("from")))
    return result


def cmd(stage: Stage) -> list[str]:
    (arguments,) = [a for k, a in stage.instructions if k == "CMD"]
    return json.loads(arguments)
