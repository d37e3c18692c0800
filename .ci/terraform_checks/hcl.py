"""Reading Terraform with python-hcl2: the few shapes the checks need, in one place."""

from __future__ import annotations

import functools
import pathlib
import re
from collections.abc import Iterator
from typing import Any

import hcl2

_REFERENCE = re.compile(r"(?<![\w.])(var|local|module)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?")


def unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals ('"x"'); drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def plain(value: Any) -> Any:
    """A parsed value with every string literal unquoted and parser bookkeeping removed."""
    if isinstance(value, dict):
        return {unquote(k): plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return unquote(value)


def load_file(path: pathlib.Path) -> dict:
    """The parsed file. Treat it as read-only: equal texts share one parse (lark is slow)."""
    return _parse(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> dict:
    return hcl2.loads(text)


def load_dir(directory: pathlib.Path) -> dict[str, list]:
    """All top-level blocks of the .tf files in one folder (one Terraform module)."""
    merged: dict[str, list] = {}
    for path in sorted(directory.glob("*.tf")):
        for kind, entries in load_file(path).items():
            merged.setdefault(kind, []).extend(entries)
    return merged


def labelled(module: dict[str, list], kind: str) -> dict[str, dict]:
    """Blocks with one label (variable, output, module) by name."""
    found: dict[str, dict] = {}
    for entry in module.get(kind, []):
        for name, body in entry.items():
            found[unquote(name)] = body
    return found


def resources(module: dict[str, list], kind: str = "resource") -> Iterator[tuple[str, str, dict]]:
    """(type, name, body) of every resource (or data source) block."""
    for entry in module.get(kind, []):
        for rtype, named in entry.items():
            for name, body in named.items():
                yield unquote(rtype), unquote(name), body


def strings(value: Any) -> Iterator[str]:
    """Every string inside a parsed value, keys included (references hide in both)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def references(value: Any) -> Iterator[tuple[str, str, str | None]]:
    """(kind, name, attribute) of every var.x, local.x and module.x.y in a parsed value."""
    for text in strings(value):
        for match in _REFERENCE.finditer(text):
            yield match.group(1), match.group(2), match.group(3)
