"""A model's JSON Schemas (2020-12) as validators that list every problem, not just the first.

The enqueue function checks each request's `input` against the model's input schema, and the
worker checks each predictor output against its output schema before storing it. Both go
through `SchemaValidator.problems`, whose entries are the `details` of a `validation_error`:
`{"field": <JSON Pointer of the value>, "issue": <what is wrong>}`.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import jsonschema


class SchemaValidator:
    def __init__(self, schema: dict):
        jsonschema.Draft202012Validator.check_schema(schema)
        self._validator = jsonschema.Draft202012Validator(schema)

    @classmethod
    def from_file(cls, path: pathlib.Path | str) -> SchemaValidator:
        return cls(json.loads(pathlib.Path(path).read_text(encoding="utf-8")))

    def problems(self, value: Any, at: str = "") -> list[dict]:
        """Every violation of the schema by `value`, ordered by path; `at` prefixes each field
        (the JSON Pointer of `value` inside the request body, such as "/input")."""
        found = []
        for error in self._validator.iter_errors(value):
            pointer = "".join(f"/{_escape(part)}" for part in error.absolute_path)
            found.append({"field": at + pointer, "issue": error.message})
        return sorted(found, key=lambda problem: (problem["field"], problem["issue"]))


def _escape(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")
