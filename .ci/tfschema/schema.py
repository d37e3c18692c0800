"""The committed compact AWS provider schema: where it lives, how to read it, when it is stale.

Format (written by extract.py, one type per line):
    {"format": 1, "provider": ..., "provider_version": "6.69.1",
     "source": {"package", "version", "sha256"}, "extractor_sha256": ...,
     "provider_config": <block>, "resource": {type: <block>}, "data": {type: <block>}}
    <block> = {"a": {argument: 1 if required else 0},
               "b": {nested_block: [1 if at least one is required else 0, <block>]},
               "o": {object_attribute: [required, <block>]},   # written `name = {...}`
               "c": [computed attribute, ...]}                  # top level only
Empty keys are left out.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA_PATH = HERE / "aws_provider_schema.json"
EXTRACTOR_PATH = HERE / "extract.py"
REGENERATE_HINT = "run `make tf-schema` to regenerate .ci/tfschema/aws_provider_schema.json"


def extractor_source_sha256() -> str:
    return hashlib.sha256(EXTRACTOR_PATH.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=4)
def load_schema(path: pathlib.Path = SCHEMA_PATH) -> dict:
    return json.loads(path.read_text())


def staleness(schema: dict) -> list[str]:
    """Reasons the committed schema no longer matches the extractor that should produce it."""
    problems = []
    if schema.get("extractor_sha256") != extractor_source_sha256():
        problems.append(f"extract.py changed since the schema was generated; {REGENERATE_HINT}")
    return problems
